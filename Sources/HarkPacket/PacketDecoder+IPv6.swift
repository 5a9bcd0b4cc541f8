import HarkCore
import NIOCore

extension PacketDecoder {
    /// Decodes an IPv6 header (RFC 8200 §3) and what it carries.
    ///
    /// A zero payload length (a jumbogram, or segmentation offload) is taken to mean "everything
    /// captured".
    mutating func decodeIPv6(_ frame: ByteBuffer, at offset: Int, time: Timestamp) -> DecodedPacket {
        let captured = max(0, frame.readableBytes &- offset)
        guard let versionByte = frame.byte(atOffset: offset),
            let payloadLengthField = frame.uint16(atOffset: offset &+ 4),
            let nextHeader = frame.byte(atOffset: offset &+ 6),
            let sourceHigh = frame.uint64(atOffset: offset &+ 8),
            let sourceLow = frame.uint64(atOffset: offset &+ 16),
            let destinationHigh = frame.uint64(atOffset: offset &+ 24),
            let destinationLow = frame.uint64(atOffset: offset &+ 32)
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
        return decodeIPv6Payload(payload, in: frame, firstHeader: IPProtocol(rawValue: nextHeader), time: time)
    }

    /// Where an IPv6 payload sits in its buffer, and from whom to whom it goes.
    struct IPv6Payload {
        var source: IPAddress
        var destination: IPAddress
        var start: Int
        var captured: Int
        var declared: Int
        /// Whether this payload was rebuilt from fragments (and so may not hold another Fragment header).
        var isReassembled = false
    }

    /// Walks the extension headers (RFC 8200 §4) to the transport header, reassembling fragments.
    private mutating func decodeIPv6Payload(
        _ payload: IPv6Payload, in buffer: ByteBuffer, firstHeader: IPProtocol, time: Timestamp
    ) -> DecodedPacket {
        var header = firstHeader
        var used = 0
        while header.isWalkableExtensionHeader {
            let offset = payload.start &+ used
            // Every extension header is at least 8 bytes; the Fragment header is exactly 8.
            if let problem = Self.boundsProblem(headerStart: used, headerEnd: used &+ 8, payload) {
                return Self.malformed(.ipv6ExtensionHeader, at: offset, problem)
            }
            guard let next = buffer.byte(atOffset: offset), let lengthByte = buffer.byte(atOffset: offset &+ 1),
                let fragmentWord = buffer.uint16(atOffset: offset &+ 2),
                let identification = buffer.uint32(atOffset: offset &+ 4)
            else { return Self.malformed(.ipv6ExtensionHeader, at: offset, .truncated(needed: 8, captured: 0)) }
            let nextHeader = IPProtocol(rawValue: next)
            if header == .fragment {
                let fragment = FragmentHeader(
                    offset: offset, used: used, next: nextHeader, word: fragmentWord, identification: identification)
                if let result = decodeFragment(fragment, of: payload, in: buffer, time: time) { return result }
                header = nextHeader
                used &+= 8
                continue
            }
            // Hdr Ext Len counts 8-octet units after the first 8; AH's counts 4-octet units minus 2
            // (RFC 4302 §2.2).
            let length =
                header == .authenticationHeader ? (Int(lengthByte) &+ 2) &* 4 : (Int(lengthByte) &+ 1) &* 8
            if let problem = Self.boundsProblem(headerStart: used, headerEnd: used &+ length, payload) {
                return Self.malformed(.ipv6ExtensionHeader, at: offset, problem)
            }
            header = nextHeader
            used &+= length
        }
        return Self.decodeTransport(
            header, from: payload.source, to: payload.destination, in: buffer, at: payload.start &+ used,
            captured: payload.captured &- used, declared: payload.declared &- used)
    }

    /// A Fragment header's fields, and where it sits.
    private struct FragmentHeader {
        /// Its offset in the buffer.
        var offset: Int
        /// How many payload bytes the headers before it took.
        var used: Int
        var next: IPProtocol
        /// Fragment offset (in 8-byte units, shifted left by 3), two reserved bits, and the M flag.
        var word: UInt16
        var identification: UInt32
    }

    /// Handles a Fragment header (RFC 8200 §4.5); nil for an atomic fragment (offset 0, no more
    /// fragments: RFC 6946 §4), which the caller walks past as a whole packet.
    private mutating func decodeFragment(
        _ header: FragmentHeader, of payload: IPv6Payload, in buffer: ByteBuffer, time: Timestamp
    ) -> DecodedPacket? {
        let fragmentOffset = Int(header.word & 0xFFF8)
        let moreFragments = header.word & 1 != 0
        guard moreFragments || fragmentOffset != 0 else { return nil }
        guard !payload.isReassembled else {
            return Self.malformed(.ipv6ExtensionHeader, at: header.offset, .nestedFragmentHeader)
        }
        // Only datagrams that may lead to TCP are reassembled; the rest are counted as what they carry.
        guard header.next == .tcp || header.next.isWalkableExtensionHeader else {
            return .other(Self.traffic(for: header.next))
        }
        let fragmentStart = header.used &+ 8
        let declared = payload.declared &- fragmentStart
        let captured = payload.captured &- fragmentStart
        guard captured == declared, let bytes = buffer.slice(atOffset: header.offset &+ 8, length: declared) else {
            return Self.malformed(
                .ipv6ExtensionHeader, at: header.offset, .fragmentTruncated(declared: declared, captured: captured))
        }
        let key = FragmentKey(
            source: payload.source, destination: payload.destination, identification: header.identification,
            ipProtocol: .fragment)
        let outcome = defragmenter.add(
            bytes, at: fragmentOffset, isLast: !moreFragments, key: key, firstHeader: header.next, time: time)
        switch outcome {
        case .held:
            return .fragmentHeld
        case .rejected(let problem):
            return Self.malformed(.ipv6ExtensionHeader, at: header.offset, problem)
        case .complete(let datagram, let firstHeader):
            let length = datagram.readableBytes
            let rebuilt = IPv6Payload(
                source: payload.source, destination: payload.destination, start: 0, captured: length,
                declared: length, isReassembled: true)
            return decodeIPv6Payload(rebuilt, in: datagram, firstHeader: firstHeader, time: time).inReassembledDatagram
        }
    }

    private static func boundsProblem(headerStart: Int, headerEnd: Int, _ payload: IPv6Payload) -> PacketError.Problem? {
        boundsProblem(headerStart: headerStart, headerEnd: headerEnd, captured: payload.captured, declared: payload.declared)
    }
}
