import HarkCore
import NIOCore

extension PacketDecoder {
    /// Decodes an IPv4 header (RFC 791 §3.1) and what it carries, reassembling TCP fragments.
    ///
    /// Options are skipped by the header length. Bytes beyond the total length (Ethernet padding, a
    /// trailer) are ignored; fewer bytes than the total length mean the snapshot length cut the packet,
    /// which is fine: the TCP payload length still comes from the total length.
    mutating func decodeIPv4(_ frame: ByteBuffer, at offset: Int, time: Timestamp) -> DecodedPacket {
        let captured = max(0, frame.readableBytes &- offset)
        guard let versionAndLength = frame.byte(atOffset: offset),
            let totalLengthField = frame.uint16(atOffset: offset &+ 2),
            let identification = frame.uint16(atOffset: offset &+ 4),
            let flagsAndOffset = frame.uint16(atOffset: offset &+ 6),
            let protocolNumber = frame.byte(atOffset: offset &+ 9),
            let sourceValue = frame.uint32(atOffset: offset &+ 12),
            let destinationValue = frame.uint32(atOffset: offset &+ 16)
        else { return Self.malformed(.ipv4, at: offset, .truncated(needed: 20, captured: captured)) }
        guard versionAndLength >> 4 == 4 else {
            return Self.malformed(.ipv4, at: offset, .wrongVersion(versionAndLength >> 4))
        }
        let headerWords = Int(versionAndLength & 0x0F)
        guard headerWords >= 5 else {
            return Self.malformed(.ipv4, at: offset, .headerLengthBelowMinimum(words: headerWords, minimum: 5))
        }
        let headerLength = headerWords &* 4
        guard headerLength <= captured else {
            return Self.malformed(.ipv4, at: offset, .truncated(needed: headerLength, captured: captured))
        }
        // A zero total length comes from TCP segmentation offload: the card fills it in after capture.
        let totalLength = totalLengthField == 0 ? captured : Int(totalLengthField)
        guard totalLength >= headerLength else {
            return Self.malformed(
                .ipv4, at: offset, .totalLengthBelowHeader(totalLength: totalLength, headerLength: headerLength))
        }
        let payloadLength = totalLength &- headerLength
        let capturedPayload = min(captured, totalLength) &- headerLength
        let payloadStart = offset &+ headerLength
        let ipProtocol = IPProtocol(rawValue: protocolNumber)
        let source = IPAddress(ipv4: sourceValue)
        let destination = IPAddress(ipv4: destinationValue)

        // RFC 791: More Fragments is bit 13 of the flags word; the offset counts 8-byte units.
        let moreFragments = flagsAndOffset & 0x2000 != 0
        let fragmentOffset = Int(flagsAndOffset & 0x1FFF) &* 8
        guard moreFragments || fragmentOffset != 0 else {
            return Self.decodeTransport(
                ipProtocol, from: source, to: destination, in: frame, at: payloadStart,
                captured: capturedPayload, declared: payloadLength)
        }
        // Only TCP is reassembled; fragments of anything else are counted as what they carry.
        guard ipProtocol == .tcp else { return .other(Self.traffic(for: ipProtocol)) }
        guard capturedPayload == payloadLength, let fragment = frame.slice(atOffset: payloadStart, length: payloadLength)
        else {
            return Self.malformed(
                .ipv4, at: offset, .fragmentTruncated(declared: payloadLength, captured: capturedPayload))
        }
        let key = FragmentKey(
            source: source, destination: destination, identification: UInt32(identification), ipProtocol: ipProtocol)
        let outcome = defragmenter.add(
            fragment, at: fragmentOffset, isLast: !moreFragments, key: key, firstHeader: ipProtocol, time: time)
        switch outcome {
        case .held:
            return .fragmentHeld
        case .rejected(let problem):
            return Self.malformed(.ipv4, at: offset, problem)
        case .complete(let datagram, let firstHeader):
            let length = datagram.readableBytes
            return Self.decodeTransport(
                firstHeader, from: source, to: destination, in: datagram, at: 0, captured: length, declared: length
            ).inReassembledDatagram
        }
    }

    static func malformed(_ layer: PacketError.Layer, at offset: Int, _ problem: PacketError.Problem) -> DecodedPacket {
        .malformed(PacketError(layer: layer, offset: offset, problem: problem))
    }
}
