import HarkCore
import NIOCore

/// Where an IPv6 payload sits in its bytes, and from whom to whom it goes.
struct IPv6Payload {
    var source: IPAddress
    var destination: IPAddress
    /// Where the payload (the first header after the fixed header) starts.
    var start: Int
    /// How many payload bytes were captured, never more than `declared`.
    var captured: Int
    /// How many payload bytes the Payload Length field announces.
    var declared: Int
    /// Whether this payload was rebuilt from fragments (and so may not hold another Fragment header).
    var isReassembled = false
}

extension PacketDecoder {
    /// Decodes an IPv6 header (RFC 8200 §3) and what it carries, reassembling TCP fragments.
    ///
    /// A zero payload length (a jumbogram, or segmentation offload) is taken to mean "everything
    /// captured".
    mutating func decodeIPv6(_ bytes: WireBytes, of buffer: ByteBuffer, at offset: Int, time: Timestamp)
        -> DecodedPacket
    {
        let captured = max(0, bytes.count &- offset)
        guard let versionByte = bytes.byte(offset),
            let payloadLengthField = bytes.uint16(offset &+ 4),
            let nextHeader = bytes.byte(offset &+ 6),
            let sourceHigh = bytes.uint64(offset &+ 8),
            let sourceLow = bytes.uint64(offset &+ 16),
            let destinationHigh = bytes.uint64(offset &+ 24),
            let destinationLow = bytes.uint64(offset &+ 32)
        else { return Self.malformed(.ipv6, at: offset, .truncated(needed: 40, captured: captured)) }
        guard versionByte >> 4 == 6 else { return Self.malformed(.ipv6, at: offset, .wrongVersion(versionByte >> 4)) }
        let capturedAfterHeader = captured &- 40
        let declared = payloadLengthField == 0 ? capturedAfterHeader : Int(payloadLengthField)
        let payload = IPv6Payload(
            source: IPAddress(ipv6High: sourceHigh, low: sourceLow),
            destination: IPAddress(ipv6High: destinationHigh, low: destinationLow),
            start: offset &+ 40,
            captured: min(capturedAfterHeader, declared),
            declared: declared
        )
        return decodeIPv6Payload(bytes, of: buffer, payload, firstHeader: IPProtocol(rawValue: nextHeader), time: time)
    }

    /// Walks the extension headers (RFC 8200 §4) to the transport header, reassembling fragments.
    mutating func decodeIPv6Payload(
        _ bytes: WireBytes,
        of buffer: ByteBuffer,
        _ payload: IPv6Payload,
        firstHeader: IPProtocol,
        time: Timestamp
    ) -> DecodedPacket {
        var header = firstHeader
        var used = 0
        while header.isWalkableExtensionHeader {
            let offset = payload.start &+ used
            // Every extension header is at least 8 bytes; the Fragment header is exactly 8.
            if let problem = Self.boundsProblem(headerStart: used, headerEnd: used &+ 8, payload) {
                return Self.malformed(.ipv6ExtensionHeader, at: offset, problem)
            }
            guard let next = bytes.byte(offset), let lengthByte = bytes.byte(offset &+ 1),
                let fragmentWord = bytes.uint16(offset &+ 2), let identification = bytes.uint32(offset &+ 4)
            else { return Self.malformed(.ipv6ExtensionHeader, at: offset, .truncated(needed: 8, captured: 0)) }
            let nextHeader = IPProtocol(rawValue: next)
            let length: Int
            switch header {
            case .fragment:
                // RFC 8200 §4.5: offset in 8-byte units (already shifted by 3), two reserved bits, M flag.
                let fragmentOffset = Int(fragmentWord & 0xFFF8)
                let moreFragments = fragmentWord & 1 != 0
                // RFC 6946 §4: an "atomic fragment" (offset 0, no more fragments) is a whole packet.
                if moreFragments || fragmentOffset != 0 {
                    return decodeFragment(
                        at: offset,
                        used: used,
                        datagramOffset: fragmentOffset,
                        isLast: !moreFragments,
                        next: nextHeader,
                        identification: identification,
                        payload,
                        of: buffer,
                        time: time
                    )
                }
                length = 8
            case .authenticationHeader:
                // RFC 4302 §2.2: Payload Len counts 4-octet units, minus 2.
                length = (Int(lengthByte) &+ 2) &* 4
            default:
                // RFC 8200 §4.3–4.6: Hdr Ext Len counts 8-octet units after the first 8.
                length = (Int(lengthByte) &+ 1) &* 8
            }
            if let problem = Self.boundsProblem(headerStart: used, headerEnd: used &+ length, payload) {
                return Self.malformed(.ipv6ExtensionHeader, at: offset, problem)
            }
            header = nextHeader
            used &+= length
        }
        return Self.decodeTransport(
            header,
            from: payload.source,
            to: payload.destination,
            in: bytes,
            of: buffer,
            at: payload.start &+ used,
            captured: payload.captured &- used,
            declared: payload.declared &- used
        )
    }

    /// A Fragment header of a real (not atomic) fragment at `offset`, after `used` payload bytes of
    /// earlier headers.
    private mutating func decodeFragment(
        at offset: Int,
        used: Int,
        datagramOffset: Int,
        isLast: Bool,
        next: IPProtocol,
        identification: UInt32,
        _ payload: IPv6Payload,
        of buffer: ByteBuffer,
        time: Timestamp
    ) -> DecodedPacket {
        guard !payload.isReassembled else {
            return Self.malformed(.ipv6ExtensionHeader, at: offset, .nestedFragmentHeader)
        }
        // Only datagrams that may lead to TCP or UDP are reassembled; the rest are counted as what they carry.
        guard next == .tcp || next == .udp || next.isWalkableExtensionHeader else { return .other(Self.traffic(for: next)) }
        let fragmentStart = used &+ 8
        let declared = payload.declared &- fragmentStart
        let captured = payload.captured &- fragmentStart
        guard captured == declared else {
            return Self.malformed(
                .ipv6ExtensionHeader,
                at: offset,
                .fragmentTruncated(declared: declared, captured: captured)
            )
        }
        // RFC 8200 §4.5: fragments are matched on source, destination and identification only.
        let key = FragmentKey(
            source: payload.source,
            destination: payload.destination,
            identification: identification,
            ipProtocol: .fragment
        )
        let fragment = IPFragment(
            key: key,
            datagramOffset: datagramOffset,
            isLast: isLast,
            firstHeader: next,
            payloadOffset: offset &+ 8,
            length: declared,
            layer: .ipv6ExtensionHeader,
            headerOffset: offset
        )
        return reassemble(fragment, from: buffer, time: time)
    }

    private static func boundsProblem(headerStart: Int, headerEnd: Int, _ payload: IPv6Payload) -> PacketError.Problem?
    {
        boundsProblem(
            headerStart: headerStart,
            headerEnd: headerEnd,
            captured: payload.captured,
            declared: payload.declared
        )
    }
}
