@testable import HarkText
import Testing

struct JSONPrettyPrinterTests {
    private func indent(_ text: String) -> String? {
        JSONPrettyPrinter.indent(Array(text.utf8)).map { String(decoding: $0.text, as: UTF8.self) }
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

    @Test func refusesNestingDeeperThanTheLimit() {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let allowed = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(indent(deep) == nil)
        #expect(indent(allowed) != nil)
    }

    @Test func stopsWritingAtTheOutputLimitButStillChecksTheRest() throws {
        let input = Array(("[" + String(repeating: "1,", count: 10_000) + "1]").utf8)
        let capped = try #require(JSONPrettyPrinter.indent(input, outputLimit: 100))
        #expect(capped.text.count == 100)
        #expect(!capped.isWhole)
        #expect(JSONPrettyPrinter.indent(input.dropLast(), outputLimit: 100) == nil)
    }
}
