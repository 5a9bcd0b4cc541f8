import HarkFormat
import Testing

@Suite struct UTF8StreamValidatorTests {
    /// Valid and invalid inputs with multi-byte characters and broken sequences in every position.
    private static let samples: [[UInt8]] = [
        Array("plain ascii".utf8),
        Array("é ü € 𝄞 中文 — done".utf8),
        Array("𝄞𝄞𝄞".utf8),
        [0x61, 0xC3],  // cut two-byte character
        [0xE2, 0x82],  // cut three-byte character
        [0xF0, 0x9D, 0x84],  // cut four-byte character
        [0x61, 0xC0, 0xAF],  // overlong
        [0xED, 0xA0, 0x80],  // surrogate
        [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
        [0x80, 0x61],  // stray continuation
        [0xE2, 0x28, 0xA1],  // bad second byte
        Array("ok".utf8) + [0xF8] + Array("ok".utf8),
        Array("x".utf8) + [0xE2, 0x82, 0xAC] + [0xC3],
    ]

    private static func streamed(_ bytes: [UInt8], cuts: [Int]) -> (isValid: Bool, isComplete: Bool) {
        var validator = UTF8StreamValidator()
        var start = 0
        for cut in cuts + [bytes.count] where cut >= start {
            bytes[start..<cut].withUnsafeBufferPointer { validator.feed($0) }
            start = cut
        }
        return (validator.isValid, validator.isComplete)
    }

    @Test func everyTwoPieceCutAgreesWithWholeValidation() {
        for sample in Self.samples {
            let whole = sample.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
            for cut in 0...sample.count {
                #expect(Self.streamed(sample, cuts: [cut]).isComplete == whole, "\(sample) cut at \(cut)")
            }
        }
    }

    @Test func byteByByteAgreesWithWholeValidation() {
        for sample in Self.samples {
            let whole = sample.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
            #expect(Self.streamed(sample, cuts: Array(0..<sample.count)).isComplete == whole, "\(sample)")
        }
    }

    @Test func aCharacterCutAtTheEndIsValidSoFarButNotComplete() {
        let cut = Self.streamed([0x61, 0xF0, 0x9D], cuts: [2])
        #expect(cut.isValid && !cut.isComplete)
        let broken = Self.streamed([0x61, 0xF0, 0x28], cuts: [2])
        #expect(!broken.isValid)
    }
}
