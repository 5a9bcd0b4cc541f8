/// The file format of a capture, told apart by its first four bytes.
public enum CaptureFormat: Hashable, Sendable, CustomStringConvertible {
    /// Classic libpcap: magic `a1b2c3d4` (microsecond timestamps) or `a1b23c4d` (nanosecond), written
    /// in either byte order.
    case pcap(nanosecond: Bool, bigEndian: Bool)
    /// Alexey Kuznetzov's modified pcap: magic `a1b2cd34`, microsecond timestamps, and 8 more bytes
    /// (interface index, protocol, packet type) in each record header.
    case modifiedPcap(bigEndian: Bool)
    /// pcapng; each section declares its own byte order.
    case pcapng

    /// The format whose magic number the first four bytes hold, read as a big-endian integer.
    init?(magic: UInt32) {
        switch magic {
        case 0xA1B2_C3D4: self = .pcap(nanosecond: false, bigEndian: true)
        case 0xD4C3_B2A1: self = .pcap(nanosecond: false, bigEndian: false)
        case 0xA1B2_3C4D: self = .pcap(nanosecond: true, bigEndian: true)
        case 0x4D3C_B2A1: self = .pcap(nanosecond: true, bigEndian: false)
        case 0xA1B2_CD34: self = .modifiedPcap(bigEndian: true)
        case 0x34CD_B2A1: self = .modifiedPcap(bigEndian: false)
        case 0x0A0D_0D0A: self = .pcapng
        default: return nil
        }
    }

    /// The compression format a file starting with `bytes` is in, for a helpful error, or nil.
    static func compression(startingWith bytes: [UInt8]) -> String? {
        let signatures: [(String, [UInt8])] = [
            ("gzip", [0x1F, 0x8B]),
            ("zstd", [0x28, 0xB5, 0x2F, 0xFD]),
            ("xz", [0xFD, 0x37, 0x7A, 0x58, 0x5A]),
            ("bzip2", [0x42, 0x5A, 0x68]),
            ("lz4", [0x04, 0x22, 0x4D, 0x18]),
        ]
        return signatures.first { bytes.starts(with: $0.1) }?.0
    }

    /// `pcap (microsecond, little-endian)`, `pcapng`.
    public var description: String {
        switch self {
        case let .pcap(nanosecond, bigEndian):
            "pcap (\(nanosecond ? "nanosecond" : "microsecond"), \(bigEndian ? "big" : "little")-endian)"
        case let .modifiedPcap(bigEndian):
            "modified pcap (\(bigEndian ? "big" : "little")-endian)"
        case .pcapng:
            "pcapng"
        }
    }
}
