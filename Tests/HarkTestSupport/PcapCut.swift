public import Foundation

/// Cuts a classic pcap file to start at a given packet, as `editcap -r IN OUT N-` does: the capture a
/// sniffer attached later would have made (connections already open, their first bytes missing).
public enum PcapCut {
    /// What can go wrong reading the file to cut.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The file at `url` with its packets before `firstPacket` (1-based, as Wireshark numbers them)
    /// removed; the header and later records are kept byte for byte.
    public static func from(_ url: URL, startingAt firstPacket: Int) throws -> [UInt8] {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count >= 24 else { throw Failure(description: "\(url.lastPathComponent): no pcap header") }
        let magic = bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let bigEndian: Bool
        switch magic {
        case 0xA1B2_C3D4, 0xA1B2_3C4D: bigEndian = true
        case 0xD4C3_B2A1, 0x4D3C_B2A1: bigEndian = false
        default: throw Failure(description: "\(url.lastPathComponent): not a classic pcap file")
        }
        var result = Array(bytes[0..<24])
        var offset = 24
        var packet = 1
        while offset + 16 <= bytes.count {
            let field = bytes[(offset + 8)..<(offset + 12)]
            let length = Int(bigEndian
                ? field.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                : field.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            let end = offset + 16 + length
            guard end <= bytes.count else { throw Failure(description: "\(url.lastPathComponent): record \(packet) cut") }
            if packet >= firstPacket { result += bytes[offset..<end] }
            offset = end
            packet += 1
        }
        return result
    }
}
