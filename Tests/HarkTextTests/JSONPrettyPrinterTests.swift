@testable import HarkText
import Testing

struct JSONPrettyPrinterTests {
    private func indent(_ text: String) -> String? {
        JSONPrettyPrinter.indent(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func indentsNestedContainersKeepingOrderAndNumbers() {
        let input = #"{"b":1.50,"a":[true,null,{"c":"x"}],"e":{},"f":[]}"#
        let expected = """
            {
              "b": 1.50,
              "a": [
                true,
                null,
                {
                  "c": "x"
                }
              ],
              "e": {},
              "f": []
            }
            """
        #expect(indent(input) == expected)
    }

    @Test func leavesBracketsAndEscapesInsideStringsAlone() {
        #expect(indent(#"  ["a,{b}:", "q\"]\\" ]  "#) == "[\n  \"a,{b}:\",\n  \"q\\\"]\\\\\"\n]")
    }

    @Test(arguments: [#"{"a":1"#, #"{"a":1]"#, #"[1]]"#, #"[1] x"#, "42", #""text""#, #"{"a":"open}"#, ""])
    func rejectsWhatIsNotAJSONObjectOrArray(input: String) {
        #expect(indent(input) == nil)
    }
}
