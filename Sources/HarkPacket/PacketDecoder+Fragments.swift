import HarkCore
import NIOCore

/// One IP fragment, located in its frame.
struct IPFragment {
    /// The datagram it belongs to.
    var key: FragmentKey
    /// Where its bytes go in the datagram's payload.
    var datagramOffset: Int
    /// Whether More Fragments is clear.
    var isLast: Bool
    /// The first header of the datagram's payload, as this fragment states it.
    var firstHeader: IPProtocol
    /// Where its bytes start in the frame, and how many there are.
    var payloadOffset: Int
    var length: Int
    /// The layer and offset of the header that made it a fragment, for errors.
    var layer: PacketError.Layer
    var headerOffset: Int

    var isIPv6: Bool { layer == .ipv6ExtensionHeader }
}

extension PacketDecoder {
    /// Adds a fragment to its datagram, and decodes the datagram when it is complete: an IPv4 payload
    /// from its transport header, an IPv6 one from its first extension header (where another Fragment
    /// header is refused).
    mutating func reassemble(_ fragment: IPFragment, from buffer: ByteBuffer, time: Timestamp) -> DecodedPacket {
        guard let bytes = buffer.getSlice(at: buffer.readerIndex &+ fragment.payloadOffset, length: fragment.length)
        else {
            let available = max(0, buffer.readableBytes &- fragment.payloadOffset)
            return Self.malformed(
                fragment.layer,
                at: fragment.headerOffset,
                .fragmentTruncated(declared: fragment.length, captured: available)
            )
        }
        let outcome = defragmenter.add(
            bytes,
            at: fragment.datagramOffset,
            isLast: fragment.isLast,
            key: fragment.key,
            firstHeader: fragment.firstHeader,
            time: time
        )
        switch outcome {
        case .held:
            return .fragmentHeld
        case .rejected(let problem):
            return Self.malformed(fragment.layer, at: fragment.headerOffset, problem)
        case .complete(let datagram, let firstHeader):
            let key = fragment.key
            let length = datagram.readableBytes
            let result = datagram.withUnsafeReadableBytes { raw in
                let bytes = WireBytes(raw: raw)
                guard fragment.isIPv6 else {
                    return Self.decodeTransport(
                        firstHeader,
                        from: key.source,
                        to: key.destination,
                        in: bytes,
                        of: datagram,
                        at: 0,
                        captured: length,
                        declared: length
                    )
                }
                let payload = IPv6Payload(
                    source: key.source,
                    destination: key.destination,
                    start: 0,
                    captured: length,
                    declared: length,
                    isReassembled: true
                )
                return decodeIPv6Payload(bytes, of: datagram, payload, firstHeader: firstHeader, time: time)
            }
            return result.inReassembledDatagram
        }
    }
}

extension DecodedPacket {
    /// The same result, with a malformed header's offset marked as counting within a reassembled datagram.
    var inReassembledDatagram: DecodedPacket {
        guard case .malformed(var error) = self else { return self }
        error.isInReassembledDatagram = true
        return .malformed(error)
    }
}
