import Foundation
import HarkCapture
import HarkCore
import HarkTestSupport
import NIOCore
import Testing

struct PcapDecoderTests {
    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func readsBothResolutionsAndByteOrders(nanosecond: Bool, bigEndian: Bool) throws {
        var pcap = PcapBuilder(linkType: .linuxSLL, nanosecond: nanosecond, bigEndian: bigEndian)
        let first = pcap.append([1, 2, 3, 4], seconds: 1_700_000_000, fraction: 123_456)
        let second = pcap.append([5, 6], seconds: 1_700_000_001, fraction: 999_999)
        let reader = try CaptureReader(bytes: ByteBuffer(bytes: pcap.bytes), name: "t.pcap")
        #expect(reader.format == .pcap(nanosecond: nanosecond, bigEndian: bigEndian))
        let result = ReadResult(reader)

        let unit: Int64 = nanosecond ? 1 : 1_000
        #expect(result.diagnostics.isEmpty)
        #expect(result.frames.map(\.number) == [1, 2])
        #expect(result.payloads == [[1, 2, 3, 4], [5, 6]])
        #expect(result.frames.map(\.fileOffset) == [Int64(first), Int64(second)])
        #expect(result.frames.map(\.timestamp.nanoseconds) == [
            1_700_000_000 * 1_000_000_000 + 123_456 * unit, 1_700_000_001 * 1_000_000_000 + 999_999 * unit,
        ])
        #expect(result.frames.allSatisfy { $0.linkType == .linuxSLL && $0.interfaceIndex == 0 && !$0.isTruncated })
    }

    /// A header version other than 2.4 is read as 2.4, with a warning (issue 15, item 20).
    @Test func unknownVersionIsReadWithAWarning() throws {
        var bytes = try [UInt8](Data(contentsOf: Fixtures.corpus("http1-browse-bro-org.pcap")))
        let original = try ReadResult(bytes: bytes)
        #expect(original.diagnostics.isEmpty)
        #expect(Array(bytes[4..<8]) == [2, 0, 4, 0])  // little-endian 2.4
        bytes[6] = 3
        let changed = try ReadResult(bytes: bytes)
        #expect(changed.frames.count == original.frames.count)
        #expect(changed.diagnostics.map(\.severity) == [.warning])
        #expect(changed.diagnostics.first?.message == "the pcap file header says version 2.3, hark knows 2.4: records are read as 2.4's")
        #expect(changed.diagnostics.first?.byteOffset == 4)
    }

    @Test func masksFCSBitsOfTheLinkType() throws {
        var pcap = PcapBuilder(linkType: LinkType(rawValue: 0x1000_0001))  // FCS length 4 on Ethernet
        pcap.append([0], seconds: 1)
        #expect(try ReadResult(bytes: pcap.bytes).frames.first?.linkType == .ethernet)
    }

    @Test func flagsFramesCutBySnapLength() throws {
        var pcap = PcapBuilder(snapLength: 4)
        pcap.append([1, 2, 3, 4], seconds: 1, originalLength: 1_514)
        pcap.append([1, 2], seconds: 2)
        let frames = try ReadResult(bytes: pcap.bytes).frames
        #expect(frames.map(\.isTruncated) == [true, false])
        #expect(frames.map(\.originalLength) == [1_514, 2])
    }

    @Test func resynchronisesAfterACorruptRecordHeader() throws {
        var pcap = PcapBuilder()
        pcap.append(Array(repeating: 0xAA, count: 60), seconds: 1_000)
        pcap.append(Array(repeating: 0xBB, count: 60), seconds: 1_001)
        let corrupt = pcap.appendRecordHeader(
            seconds: 1_002,
            fraction: 0,
            capturedLength: 9_000_000,
            originalLength: 60
        )
        pcap.bytes += Array(repeating: 0xCC, count: 60)
        pcap.append(Array(repeating: 0xDD, count: 60), seconds: 1_003)
        pcap.append(Array(repeating: 0xEE, count: 61), seconds: 1_004)

        let result = try ReadResult(bytes: pcap.bytes, name: "damaged.pcap")
        #expect(result.frames.map(\.number) == [1, 2, 4, 5])
        #expect(result.payloads.map(\.first) == [0xAA, 0xBB, 0xDD, 0xEE])
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.file == "damaged.pcap")
        #expect(diagnostic.packetNumber == 3)
        #expect(diagnostic.byteOffset == Int64(corrupt))
        #expect(diagnostic.message.contains("captured length 9000000 exceeds the 262144-byte limit"))
        #expect(diagnostic.message.contains("skipped 76 bytes"))
    }

    @Test func resynchronisesWhenTheFirstRecordIsCorrupt() throws {
        var pcap = PcapBuilder()
        pcap.appendRecordHeader(seconds: 5, fraction: 0, capturedLength: 0xFFFF_FFFF, originalLength: 0xFFFF_FFFF)
        pcap.bytes += [0x55, 0x66, 0x77]
        pcap.append([1, 2, 3], seconds: 7)
        pcap.append([4, 5, 6], seconds: 8)
        let result = try ReadResult(bytes: pcap.bytes)
        #expect(result.payloads == [[1, 2, 3], [4, 5, 6]])
        #expect(result.frames.map(\.number) == [2, 3])
        #expect(result.diagnostics.map(\.packetNumber) == [1])
    }

    @Test func reportsGarbageUntilTheEnd() throws {
        var pcap = PcapBuilder()
        pcap.append([1], seconds: 7)
        pcap.bytes += Array(repeating: 0xFF, count: 100)
        let result = try ReadResult(bytes: pcap.bytes)
        #expect(result.payloads == [[1]])
        #expect(result.diagnostics.map(\.message) == [
            "record header is corrupt: captured length 4294967295 exceeds the 262144-byte limit; "
                + "no plausible record follows (skipped 100 bytes to the end)"
        ])
    }

    @Test func reportsAFileEndingInsideARecord() throws {
        var pcap = PcapBuilder()
        pcap.append([1, 2], seconds: 1)
        let last = pcap.append(Array(repeating: 9, count: 60), seconds: 2)
        pcap.bytes.removeLast(50)
        let result = try ReadResult(bytes: pcap.bytes, name: "cut.pcap")
        #expect(result.frames.count == 1)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(
            diagnostic.description
                == "cut.pcap: packet 2 (offset \(last)): error: file ends inside packet 2: 10 of 60 bytes"
        )
    }

    @Test func reportsAFileEndingInsideARecordHeader() throws {
        var pcap = PcapBuilder()
        pcap.append([1, 2], seconds: 1)
        pcap.bytes += [0, 0, 0, 0, 0]
        let result = try ReadResult(bytes: pcap.bytes)
        #expect(result.frames.count == 1)
        #expect(result.diagnostics.map(\.message) == ["file ends inside the record header of packet 2: 5 of 16 bytes"])
    }

    @Test(arguments: [false, true])
    func readsModifiedPcap(bigEndian: Bool) throws {
        // Modified pcap keeps the classic file header with magic a1b2cd34; records carry 8 more bytes.
        let classic = PcapBuilder(bigEndian: bigEndian)
        var bytes = Array(classic.bytes)
        let magic: [UInt8] = [0xA1, 0xB2, 0xCD, 0x34]
        bytes.replaceSubrange(0..<4, with: bigEndian ? magic : magic.reversed())
        for (seconds, payload) in [(UInt32(10), [UInt8]([1, 2, 3])), (11, [4])] {
            var record = PcapBuilder(bigEndian: bigEndian)
            record.bytes = []
            record.append(payload, seconds: seconds, fraction: 5)
            bytes += record.bytes.prefix(16) + [0, 0, 0, 2, 0x08, 0x00, 0, 0] + payload
        }
        let reader = try CaptureReader(bytes: ByteBuffer(bytes: bytes), name: "m.pcap")
        #expect(reader.format == .modifiedPcap(bigEndian: bigEndian))
        let result = ReadResult(reader)
        #expect(result.diagnostics.isEmpty)
        #expect(result.payloads == [[1, 2, 3], [4]])
        #expect(result.frames.map(\.timestamp.nanoseconds) == [10_000_005_000, 11_000_005_000])
    }
}
