public import HarkCore
public import NIOCore

/// Reads Linux NFLOG frames (link type 239), what libpcap's `nflog:GROUP` device captures: a 4-byte
/// header (address family, version, resource id in network order), then netlink attributes, each a
/// 2-byte length (header included) and a 2-byte type, padded to 4 bytes. The packet is in
/// `NFULA_PAYLOAD` (9), starting at its IP header; `NFULA_TIMESTAMP` (3), when the kernel set one
/// (input-hook packets), holds seconds and microseconds as two big-endian 64-bit numbers.
///
/// The attribute length and type are in the byte order of the machine that captured: little-endian
/// is tried first, and big-endian when the first attribute makes no sense that way, as libpcap and
/// Wireshark do for files from other machines. Written by hand: the format is a few fields and no
/// Swift package reads it.
public enum NFLOGFrame {
    /// `NFULA_TIMESTAMP`.
    static let timestampType: UInt16 = 3
    /// `NFULA_PAYLOAD`: the packet from its network header on.
    package static let payloadType: UInt16 = 9
    /// `NFULA_PREFIX`: the log statement's prefix, NUL-terminated.
    package static let prefixType: UInt16 = 10
    /// The netlink attribute flags (`NLA_F_NESTED`, `NLA_F_NET_BYTEORDER`) above the type number.
    static let typeMask: UInt16 = 0x3FFF

    /// The kernel's time of the packet, when the frame carries `NFULA_TIMESTAMP`; nil otherwise (then
    /// libpcap's read time is all there is).
    public static func timestamp(in frame: ByteBuffer) -> Timestamp? {
        frame.withUnsafeReadableBytes { raw -> Timestamp? in
            let bytes = WireBytes(raw: raw)
            guard case .found(let offset, let length) = attribute(timestampType, in: bytes), length >= 16,
                let seconds = bytes.uint64(offset), let microseconds = bytes.uint64(offset &+ 8),
                seconds <= UInt64(Int64.max / 1_000_000_000), microseconds < 1_000_000
            else { return nil }
            return Timestamp(seconds: Int64(seconds), fraction: Int64(microseconds), unitsPerSecond: 1_000_000)
        }
    }

    /// Where the packet's IP header starts, by the header's address family (2 IPv4, 10 IPv6) or,
    /// for another family, by the packet's version nibble.
    static func networkLayer(in frame: WireBytes) -> NetworkLayer {
        guard let family = frame.byte(0), frame.count >= 4 else {
            return .malformed(PacketError(layer: .nflog, offset: 0, problem: .truncated(needed: 4, captured: frame.count)))
        }
        switch attribute(payloadType, in: frame) {
        case .found(let offset, _):
            switch family {
            case 2: return .ipv4(at: offset)
            case 10: return .ipv6(at: offset)
            default:
                switch frame.byte(offset).map({ $0 >> 4 }) {
                case 4: return .ipv4(at: offset)
                case 6: return .ipv6(at: offset)
                default: return .other(.nonIPAddressFamily(UInt32(family)))
                }
            }
        case .missing:
            return .malformed(PacketError(layer: .nflog, offset: 4, problem: .missingPayload))
        case .bad(let offset, let length):
            return .malformed(PacketError(layer: .nflog, offset: offset, problem: .badAttributeLength(length)))
        }
    }

    /// Whether an NFLOG message as libpcap hands it out live (`nfgenmsg`, then the attributes) carries
    /// the kernel's time (`NFULA_TIMESTAMP`).
    package static func hasKernelTime(_ message: UnsafeRawBufferPointer) -> Bool {
        guard case .found(_, let length) = attribute(timestampType, in: WireBytes(raw: message)) else { return false }
        return length >= 16
    }

    /// The value of the first attribute of `type` in an NFLOG message as libpcap hands it out live
    /// (`nfgenmsg`, then the attributes); nil when there is none or an attribute before it is broken.
    package static func value(of type: UInt16, in message: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard case .found(let offset, let length) = attribute(type, in: WireBytes(raw: message)) else { return nil }
        return UnsafeRawBufferPointer(rebasing: message[offset..<(offset &+ length)])
    }

    enum Lookup {
        /// The attribute's value starts at `offset` and has `length` bytes (all captured).
        case found(offset: Int, length: Int)
        case missing
        /// The attribute header at `offset` declares an impossible `length`.
        case bad(offset: Int, length: Int)
    }

    /// Finds the first attribute of `type`, walking the attributes after the 4-byte header.
    static func attribute(_ type: UInt16, in frame: WireBytes) -> Lookup {
        let littleEndian = isLittleEndian(frame)
        var offset = 4
        // Each step moves at least 4 bytes forward, so the walk ends.
        while offset &+ 4 <= frame.count {
            guard let rawLength = frame.uint16(offset), let rawType = frame.uint16(offset &+ 2) else { break }
            let length = Int(littleEndian ? rawLength.byteSwapped : rawLength)
            let attributeType = (littleEndian ? rawType.byteSwapped : rawType) & typeMask
            guard length >= 4, offset &+ length <= frame.count else {
                return .bad(offset: offset, length: length)
            }
            if attributeType == type {
                return .found(offset: offset &+ 4, length: length &- 4)
            }
            offset &+= (length &+ 3) & ~3
        }
        return .missing
    }

    /// Whether the attribute headers are little-endian: true unless the first attribute's length only
    /// makes sense read big-endian.
    private static func isLittleEndian(_ frame: WireBytes) -> Bool {
        guard let raw = frame.uint16(4) else { return true }
        let little = Int(raw.byteSwapped)
        let big = Int(raw)
        let fits = { (length: Int) in length >= 4 && 4 &+ length <= frame.count }
        return fits(little) || !fits(big)
    }
}
