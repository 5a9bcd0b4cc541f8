import Foundation
import HarkFormat
import Testing

struct JSONTextTests {
    @Test func escapesEverythingJSONForbids() throws {
        let nasty = "quote\" backslash\\ newline\n tab\t nul\u{0} bell\u{7} del\u{7f} é 😀"
        var object = JSONObjectBuilder()
        object.add("text", nasty)
        object.add("ratio", 0.1 + 0.2)
        object.add("count", 3)
        let data = Data(object.build().utf8)
        let parsed = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(parsed["text"] as? String == nasty)
        #expect(parsed["ratio"] as? Double == 0.3)
        #expect(parsed["count"] as? Int == 3)
    }

    @Test func numbersStayValidJSON() {
        #expect(JSONText.number(.nan) == "0")
        #expect(JSONText.number(-0.0001) == "0")
        #expect(JSONText.number(12.5) == "12.5")
        #expect(JSONText.number(3) == "3")
    }
}
