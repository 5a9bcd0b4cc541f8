import HarkFormat
import Testing

struct UTF8ValidationTests {
    @Test(arguments: [
        ([], true),
        (Array("plain ASCII that is longer than eight bytes".utf8), true),
        (Array("Zoë → 日本語 🎉".utf8), true),
        ([0xF4, 0x8F, 0xBF, 0xBF], true),  // U+10FFFF, the last code point
        ([0xEF, 0xBF, 0xBD], true),  // U+FFFD
        ([0x80], false),  // lone continuation byte
        ([0xC0, 0xAF], false),  // overlong "/"
        ([0xC1, 0xBF], false),  // overlong
        ([0xE0, 0x80, 0xAF], false),  // overlong three-byte form
        ([0xF0, 0x80, 0x80, 0xAF], false),  // overlong four-byte form
        ([0xED, 0xA0, 0x80], false),  // U+D800, a surrogate
        ([0xF4, 0x90, 0x80, 0x80], false),  // U+110000, beyond Unicode
        ([0xF5, 0x80, 0x80, 0x80], false),
        ([0xFF], false),
        ([0x61, 0x62, 0xE2, 0x82], false),  // truncated at the end
        ([0xE2, 0x28, 0xA1], false),  // bad continuation
        (Array("12345678".utf8) + [0xC3], false),  // invalid right after the ASCII fast path
    ] as [([UInt8], Bool)])
    func validity(bytes: [UInt8], valid: Bool) {
        #expect(UTF8Validation.isValid(bytes) == valid)
    }

    @Test func agreesWithTheStandardLibraryOnEveryTwoByteSequence() {
        for first in 0...255 {
            for second in 0...255 {
                let bytes: [UInt8] = [UInt8(first), UInt8(second)]
                let expected = String(validating: bytes, as: UTF8.self) != nil
                #expect(UTF8Validation.isValid(bytes) == expected, "\(bytes)")
            }
        }
    }
}
