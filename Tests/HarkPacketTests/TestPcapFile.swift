import HarkCore
import HarkTestSupport
import NIOCore

/// A test-only reader for classic pcap files (the real reader lives in HarkCapture): 24-byte global
/// header, 16-byte record headers, either byte order, microsecond or nanosecond timestamps.
struct TestPcapFile {
    struct Record {
        var timestamp: Timestamp
        var data: ByteBuffer
    }

    var linkType: LinkType
    var records: [Record] = []

    /// Reads `Tests/Fixtures/corpus/<name>`; nil when the file is not a pcap.
    init?(corpus name: String) throws {
        var buffer = ByteBuffer(bytes: try Fixtures.bytes(Fixtures.corpus(name)))
        guard let magic = buffer.readInteger(endianness: .little, as: UInt32.self) else { return nil }
        let endianness: Endianness
        let unitsPerSecond: Int64
        switch magic {
        case 0xA1B2_C3D4: (endianness, unitsPerSecond) = (.little, 1_000_000)
        case 0xA1B2_3C4D: (endianness, unitsPerSecond) = (.little, 1_000_000_000)
        case 0xD4C3_B2A1: (endianness, unitsPerSecond) = (.big, 1_000_000)
        case 0x4D3C_B2A1: (endianness, unitsPerSecond) = (.big, 1_000_000_000)
        default: return nil
        }
        buffer.moveReaderIndex(forwardBy: 16)
        guard let linkType = buffer.readInteger(endianness: endianness, as: UInt32.self) else { return nil }
        self.linkType = LinkType(rawValue: linkType & 0x0FFF_FFFF)
        while let seconds = buffer.readInteger(endianness: endianness, as: UInt32.self),
            let fraction = buffer.readInteger(endianness: endianness, as: UInt32.self),
            let capturedLength = buffer.readInteger(endianness: endianness, as: UInt32.self),
            buffer.readInteger(endianness: endianness, as: UInt32.self) != nil,
            let data = buffer.readSlice(length: Int(capturedLength))
        {
            let timestamp = Timestamp(
                seconds: Int64(seconds),
                fraction: Int64(fraction),
                unitsPerSecond: unitsPerSecond
            )
            records.append(Record(timestamp: timestamp, data: data))
        }
    }
}
