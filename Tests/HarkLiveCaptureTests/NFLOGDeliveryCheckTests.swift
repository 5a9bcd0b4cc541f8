@testable import HarkLiveCapture
import Testing

/// Telling hark's test packet from the capture's own NFLOG packets, on the bytes libpcap hands out.
@Suite struct NFLOGDeliveryCheckTests {
    /// An NFLOG packet as the kernel logged hark's test packet number 1 (from an strace of
    /// `hark trace --pid`): `nfgenmsg`, then host-order TLVs, the prefix `hark-probe`, the mark, and
    /// an IPv4/UDP payload whose 4 data bytes are the number.
    static func message(prefix: [UInt8] = Array("hark-probe".utf8), number: UInt32 = 1) -> [UInt8] {
        var bytes: [UInt8] = [0x02, 0x00, 0x4A, 0x55]
        func attribute(_ type: UInt16, _ value: [UInt8]) {
            let length = UInt16(4 + value.count)
            bytes += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(type & 0xFF), UInt8(type >> 8)] + value
            bytes += [UInt8](repeating: 0, count: (4 - value.count % 4) % 4)
        }
        attribute(1, [0x08, 0x00, 0x03, 0x00])
        attribute(10, prefix + [0])
        attribute(5, [0, 0, 0, 1])
        attribute(2, [0x48, 0x41, 0x52, 0x4B])
        let header: [UInt8] = [
            0x45, 0x00, 0x00, 0x20, 0x74, 0x9B, 0x40, 0x00, 0x40, 0x11, 0xC8, 0x2F, 0x7F, 0x00, 0x00, 0x01,
            0x7F, 0x00, 0x00, 0x01, 0xD4, 0x8C, 0x4A, 0x55, 0x00, 0x0C, 0xFE, 0x1F,
        ]
        attribute(9, header + withUnsafeBytes(of: number.bigEndian) { Array($0) })
        return bytes
    }

    private func number(in bytes: [UInt8], prefix: String = "hark-probe") -> UInt32? {
        bytes.withUnsafeBytes { NFLOGDeliveryCheck.testPacketNumber(in: $0, prefix: Array(prefix.utf8)) }
    }

    @Test func theTestPacketIsRecognisedWithItsNumber() {
        #expect(number(in: Self.message()) == 1)
        #expect(number(in: Self.message(number: 70_000)) == 70_000)
    }

    @Test func theCapturesOwnPacketsAreNot() {
        // Every rule without a prefix logs an empty one.
        #expect(number(in: Self.message(prefix: [])) == nil)
        #expect(number(in: Self.message(prefix: Array("hark-probe2".utf8))) == nil)
        #expect(number(in: Self.message(prefix: Array("hark-prob".utf8))) == nil)
    }

    @Test func cutOrBrokenMessagesAreNotTestPacketsAndDoNotCrash() {
        let whole = Self.message()
        for length in 0..<whole.count {
            // Cut inside the payload TLV, the rest is not an NFLOG packet.
            #expect(number(in: Array(whole.prefix(length))) == nil, "cut at \(length)")
        }
        var zeroLength = whole
        zeroLength[4] = 0
        zeroLength[5] = 0
        #expect(number(in: zeroLength) == nil)
        var huge = whole
        huge[4] = 0xFF
        huge[5] = 0xFF
        #expect(number(in: huge) == nil)
    }
}
