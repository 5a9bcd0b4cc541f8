import Foundation
import HarkFormat
import Testing

struct Base64Tests {
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648TestVectors(input: String, encoded: String) {
        #expect(Base64.encode(Array(input.utf8)) == encoded)
        #expect(Base64.encodedCount(input.utf8.count) == encoded.utf8.count)
    }

    @Test func matchesFoundationForEveryByteValueAndLength() {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for length in 0...bytes.count {
            let slice = Array(bytes[0..<length])
            #expect(Base64.encode(slice) == Data(slice).base64EncodedString())
        }
    }
}
