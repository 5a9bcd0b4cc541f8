import HarkCore
import HarkPacket
import NIOCore

/// Accessors that keep test expectations short.
extension DecodedPacket {
    var segment: TCPSegment? {
        guard case .tcp(let segment) = self else { return nil }
        return segment
    }

    var datagram: UDPDatagram? {
        guard case .udp(let datagram) = self else { return nil }
        return datagram
    }

    var traffic: Traffic? {
        guard case .other(let traffic) = self else { return nil }
        return traffic
    }

    var error: PacketError? {
        guard case .malformed(let error) = self else { return nil }
        return error
    }

    var isFragmentHeld: Bool {
        guard case .fragmentHeld = self else { return false }
        return true
    }
}

extension TCPSegment {
    /// The captured payload as text.
    var payloadText: String { String(buffer: payload) }
}

/// A UDP header and payload: ports 5353 → 443, the length field covering both.
func udpDatagram(_ payload: [UInt8]) -> [UInt8] {
    let length = payload.count + 8
    return [0x14, 0xE9, 0x01, 0xBB, UInt8(length >> 8), UInt8(length & 0xFF), 0, 0] + payload
}

/// Decodes one frame with a fresh decoder.
func decodeOnce(_ frame: [UInt8], linkType: LinkType = .ethernet) -> DecodedPacket {
    var decoder = PacketDecoder()
    return decoder.decode(ByteBuffer(bytes: frame), linkType: linkType, timestamp: Timestamp(nanoseconds: 0))
}

/// A time `seconds` into the capture.
func at(_ seconds: Int64) -> Timestamp {
    Timestamp(nanoseconds: seconds * 1_000_000_000)
}
