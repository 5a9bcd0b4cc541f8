import HarkCore
import NIOCore

extension PacketDecoder {
    /// Decodes an IPv4 header (RFC 791 §3.1) and what it carries, reassembling TCP fragments.
    ///
    /// Options are skipped by the header length. Bytes beyond the total length (Ethernet padding, a
    /// trailer) are ignored; fewer bytes than the total length mean the snapshot length cut the packet,
    /// which is fine: the TCP payload length still comes from the total length.
    mutating func decodeIPv4(_ bytes: WireBytes, of buffer: ByteBuffer, at offset: Int, time: Timestamp)
        -> DecodedPacket
    {
        let captured = max(0, bytes.count &- offset)
        guard let versionAndLength = bytes.byte(offset),
            let totalLengthField = bytes.uint16(offset &+ 2),
            let identification = bytes.uint16(offset &+ 4),
            let flagsAndOffset = bytes.uint16(offset &+ 6),
            let protocolNumber = bytes.byte(offset &+ 9),
            let sourceValue = bytes.uint32(offset &+ 12),
            let destinationValue = bytes.uint32(offset &+ 16)
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
                .ipv4,
                at: offset,
                .totalLengthBelowHeader(totalLength: totalLength, headerLength: headerLength)
            )
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
                ipProtocol,
                from: source,
                to: destination,
                in: bytes,
                of: buffer,
                at: payloadStart,
                captured: capturedPayload,
                declared: payloadLength
            )
        }
        // Only TCP and UDP are reassembled; fragments of anything else are counted as what they carry.
        guard ipProtocol == .tcp || ipProtocol == .udp else { return .other(Self.traffic(for: ipProtocol)) }
        guard capturedPayload == payloadLength else {
            return Self.malformed(
                .ipv4,
                at: offset,
                .fragmentTruncated(declared: payloadLength, captured: capturedPayload)
            )
        }
        let key = FragmentKey(
            source: source,
            destination: destination,
            identification: UInt32(identification),
            ipProtocol: ipProtocol
        )
        let fragment = IPFragment(
            key: key,
            datagramOffset: fragmentOffset,
            isLast: !moreFragments,
            firstHeader: ipProtocol,
            payloadOffset: payloadStart,
            length: payloadLength,
            layer: .ipv4,
            headerOffset: offset
        )
        return reassemble(fragment, from: buffer, time: time)
    }

    static func malformed(_ layer: PacketError.Layer, at offset: Int, _ problem: PacketError.Problem) -> DecodedPacket {
        .malformed(PacketError(layer: layer, offset: offset, problem: problem))
    }
}
