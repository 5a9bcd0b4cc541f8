import Foundation
import HarkFormat
import Testing

@testable import HarkHAR

struct HARJSONValueTests {
    @Test func customKeysGetTheirUnderscore() {
        var output = JSONWriter(pretty: false, capacity: 64)
        output.beginObject()
        output.customFields([HARJSONMember("_a", 1), HARJSONMember("b\"", ["x": [true, nil]])])
        output.endObject()
        #expect(output.buffer.withBytes { String(decoding: $0, as: UTF8.self) } == #"{"_a":1,"_b\"":{"x":[true,null]}}"#)
    }

    @Test func deeplyNestedCustomValuesAreCutOffNotRecursedForever() throws {
        var value = HARJSONValue.integer(1)
        for _ in 0..<200 { value = .array([value]) }
        var output = JSONWriter(pretty: false, capacity: 64)
        output.value(value)
        let parsed = try JSONSerialization.jsonObject(with: Data(output.buffer.withBytes { Array($0) }), options: [.fragmentsAllowed])
        #expect(parsed is [Any])
        #expect(output.buffer.withBytes { Array($0) }.filter { $0 == UInt8(ascii: "[") }.count == JSONWriter.maximumValueDepth)
    }
}
