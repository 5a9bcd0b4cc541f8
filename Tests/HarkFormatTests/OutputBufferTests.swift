import HarkFormat
import Testing

struct OutputBufferTests {
    private func written(_ body: (inout OutputBuffer) -> Void) -> String {
        var buffer = OutputBuffer(capacity: 1)
        body(&buffer)
        return buffer.text
    }

    @Test func growsFromATinyCapacityAndKeepsEveryByte() {
        var buffer = OutputBuffer(capacity: 0)
        for index in 0..<10_000 { buffer.append(UInt8(truncatingIfNeeded: index)) }
        buffer.append(repeating: 7, count: 3)
        buffer.append(repeating: 7, count: -3)
        #expect(buffer.count == 10_003)
        #expect(buffer.withBytes { Array($0) } == (0..<10_000).map { UInt8(truncatingIfNeeded: $0) } + [7, 7, 7])
        buffer.removeAll()
        #expect(buffer.count == 0)
        #expect(buffer.text == "")
    }

    /// Taken bytes are the bytes written, whether they fill their storage (handed over) or not (copied
    /// out), and the buffer starts again empty either way.
    @Test func takenBytesAreTheBytesWrittenAndTheBufferStartsAgain() {
        var buffer = OutputBuffer(capacity: 4096)
        for (round, count) in [10, 3_000, 0, 100_000].enumerated() {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &+ round) }
            for byte in bytes { buffer.append(byte) }
            let taken = buffer.takeBytes()
            #expect(taken.count == count)
            #expect(taken.withBytes { Array($0) } == bytes, "round \(round)")
            #expect(buffer.count == 0)
        }
    }

    @Test func writeKeepsOnlyWhatTheBodyReportsWithinTheMaximum() {
        #expect(written { $0.write(maximum: 4) { $0[0] = 0x61; return 1 } } == "a")
        #expect(written { $0.write(maximum: 2) { $0[0] = 0x61; $0[1] = 0x62; return 99 } } == "ab")
        #expect(written { $0.write(maximum: 2) { _ in -5 } } == "")
    }

    @Test func decimalsAndPadding() {
        #expect(written { $0.appendDecimal(Int64.min) } == "-9223372036854775808")
        #expect(written { $0.appendDecimal(UInt64.max) } == "18446744073709551615")
        #expect(written { $0.appendDecimal(Int64(0)) } == "0")
        for digits in 1...19 {
            let power = (1..<digits).reduce(UInt64(1)) { product, _ in product * 10 }
            #expect(written { $0.appendDecimal(power) } == "1" + String(repeating: "0", count: digits - 1))
            #expect(written { $0.appendDecimal(power - 1) } == (digits == 1 ? "0" : String(repeating: "9", count: digits - 1)))
        }
        #expect(written { $0.appendDecimal(UInt64(10_000_000_000_000_000_000)) } == "10000000000000000000")
        #expect(written { $0.appendPadded(7, width: 3) } == "007")
        #expect(written { $0.appendPadded(12_345, width: 3) } == "12345")
        #expect(written { $0.appendPadded(0, width: 0) } == "0")
    }

    @Test(arguments: [
        (Int64(12_500), 3, true, "12.5"),
        (12_500, 3, false, "12.500"),
        (12_000, 3, true, "12"),
        (-1, 3, true, "-0.001"),
        (0, 2, false, "0.00"),
        (-5, 0, false, "-5"),
        (Int64.min, 3, true, "-9223372036854775.808"),
        (Int64.max, 30, false, "9.223372036854775807"),  // decimals are capped at 18
    ])
    func fixedPoint(scaled: Int64, decimals: Int, trimming: Bool, expected: String) {
        #expect(written { $0.appendFixed(scaled, decimals: decimals, trimmingZeros: trimming) } == expected)
    }

    @Test func textIsCopiedAsUTF8() {
        #expect(written { $0.append(contentsOf: "Zoë → 日本語"); $0.append(ascii: "!") } == "Zoë → 日本語!")
    }
}
