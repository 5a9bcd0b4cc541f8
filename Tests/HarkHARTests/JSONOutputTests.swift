import Foundation
import Testing

@testable import HarkHAR

struct JSONOutputTests {
    private func escaped(_ text: String) -> String {
        var output = JSONOutput(pretty: false, capacity: 64)
        output.string(text)
        return String(decoding: output.bytes, as: UTF8.self)
    }

    @Test func escapesQuotesBackslashesAndNamedControls() {
        #expect(escaped("a\"b\\c/d") == #""a\"b\\c/d""#)
        #expect(escaped("\u{08}\u{0C}\n\r\t") == #""\b\f\n\r\t""#)
        #expect(escaped("\u{00}\u{01}\u{1F}\u{7F}") == #""\u0000\u0001\u001f\#u{7F}""#)
    }

    @Test func everyControlCharacterRoundTripsThroughFoundation() throws {
        let all = String(decoding: (0...0x7F).map { UInt8($0) }, as: UTF8.self)
        let json = "{\"k\":\(escaped(all))}"
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        #expect(parsed["k"] == all)
        for byte in json.utf8.dropFirst(6).dropLast(2) {
            #expect(byte >= 0x20, "raw control byte \(byte) in JSON string")
        }
    }

    @Test func unicodePassesThroughUnescaped() throws {
        let text = "Zoë → 日本語 🎉 \u{2028}"
        #expect(escaped(text) == "\"\(text)\"")
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(escaped(text))]".utf8)) as? [String]
        #expect(parsed == [text])
    }

    @Test func fixedPointDropsTrailingZerosAndKeepsThreeDecimals() {
        func fixed(_ value: Int64, _ decimals: Int) -> String {
            var output = JSONOutput(pretty: false, capacity: 16)
            output.fixed(value, decimals: decimals)
            return String(decoding: output.bytes, as: UTF8.self)
        }
        #expect(fixed(12_500, 3) == "12.5")
        #expect(fixed(12_005, 3) == "12.005")
        #expect(fixed(12_000, 3) == "12")
        #expect(fixed(0, 3) == "0")
        #expect(fixed(-1000, 3) == "-1")
        #expect(fixed(-1, 3) == "-0.001")
        #expect(fixed(1_389_719_041_819_123, 6) == "1389719041.819123")
        #expect(fixed(.min, 3) == "-9223372036854775.808")
    }

    @Test func integersAndSpecialDoubles() {
        var output = JSONOutput(pretty: false, capacity: 64)
        output.beginArray()
        output.integer(0)
        output.integer(-1)
        output.integer(Int64.max)
        output.integer(Int64.min)
        output.double(.nan)
        output.double(-.infinity)
        output.double(0.25)
        output.endArray()
        #expect(
            String(decoding: output.bytes, as: UTF8.self)
                == "[0,-1,9223372036854775807,-9223372036854775808,null,null,0.25]"
        )
    }

    @Test func prettyLayoutIndentsAndKeepsEmptyContainersOnOneLine() {
        var output = JSONOutput(pretty: true, capacity: 64)
        output.beginObject()
        output.key("a")
        output.beginArray()
        output.endArray()
        output.key("b")
        output.beginArray()
        output.integer(1)
        output.beginObject()
        output.endObject()
        output.endArray()
        output.endObject()
        #expect(String(decoding: output.bytes, as: UTF8.self) == "{\n  \"a\": [],\n  \"b\": [\n    1,\n    {}\n  ]\n}")
    }

    @Test func customKeysGetTheirUnderscore() {
        var output = JSONOutput(pretty: false, capacity: 64)
        output.beginObject()
        output.customFields([HARJSONMember("_a", 1), HARJSONMember("b\"", ["x": [true, nil]])])
        output.endObject()
        #expect(String(decoding: output.bytes, as: UTF8.self) == #"{"_a":1,"_b\"":{"x":[true,null]}}"#)
    }

    @Test func deeplyNestedCustomValuesAreCutOffNotRecursedForever() throws {
        var value = HARJSONValue.integer(1)
        for _ in 0..<200 { value = .array([value]) }
        var output = JSONOutput(pretty: false, capacity: 64)
        output.value(value)
        let parsed = try JSONSerialization.jsonObject(with: Data(output.bytes), options: [.fragmentsAllowed])
        #expect(parsed is [Any])
        #expect(output.bytes.filter { $0 == UInt8(ascii: "[") }.count == JSONOutput.maximumValueDepth)
    }
}
