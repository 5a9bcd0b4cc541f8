import HarkCore
import NIOCore

extension PacketDecoder {
    /// Decodes the transport header of an IP payload: TCP into a segment and UDP into a datagram whose
    /// payloads are slices of `buffer`, anything else into `Traffic`. Checksums are not checked.
    ///
    /// - Parameters:
    ///   - bytes: the raw bytes of `buffer`'s readable part.
    ///   - offset: where the transport header starts.
    ///   - captured: how many bytes of the IP payload from `offset` were captured (never beyond `declared`).
    ///   - declared: how many bytes the IP header says follow from `offset`.
    static func decodeTransport(
        _ ipProtocol: IPProtocol,
        from source: IPAddress,
        to destination: IPAddress,
        in bytes: WireBytes,
        of buffer: ByteBuffer,
        at offset: Int,
        captured: Int,
        declared: Int
    ) -> DecodedPacket {
        if ipProtocol == .udp {
            return decodeUDP(from: source, to: destination, in: bytes, of: buffer, at: offset, captured: captured, declared: declared)
        }
        guard ipProtocol == .tcp else { return .other(traffic(for: ipProtocol)) }
        if let problem = boundsProblem(headerStart: 0, headerEnd: 20, captured: captured, declared: declared) {
            return malformed(.tcp, at: offset, problem)
        }
        // RFC 9293 §3.1.
        guard let sourcePort = bytes.uint16(offset),
            let destinationPort = bytes.uint16(offset &+ 2),
            let sequenceNumber = bytes.uint32(offset &+ 4),
            let acknowledgmentNumber = bytes.uint32(offset &+ 8),
            let offsetAndFlags = bytes.uint16(offset &+ 12),
            let window = bytes.uint16(offset &+ 14)
        else { return malformed(.tcp, at: offset, .truncated(needed: 20, captured: captured)) }
        let headerWords = Int(offsetAndFlags >> 12)
        guard headerWords >= 5 else {
            return malformed(.tcp, at: offset, .headerLengthBelowMinimum(words: headerWords, minimum: 5))
        }
        let headerLength = headerWords &* 4
        if let problem = boundsProblem(headerStart: 0, headerEnd: headerLength, captured: captured, declared: declared)
        {
            return malformed(.tcp, at: offset, problem)
        }
        let payloadStart = offset &+ headerLength
        guard let payload = buffer.getSlice(at: buffer.readerIndex &+ payloadStart, length: captured &- headerLength)
        else {
            return malformed(.tcp, at: offset, .truncated(needed: captured, captured: bytes.count &- offset))
        }
        let segment = TCPSegment(
            source: Endpoint(address: source, port: sourcePort),
            destination: Endpoint(address: destination, port: destinationPort),
            sequenceNumber: sequenceNumber,
            acknowledgmentNumber: acknowledgmentNumber,
            // The AE (formerly NS) bit and the reserved bits are left out: TCPFlags does not name them.
            flags: TCPFlags(rawValue: offsetAndFlags & 0x00FF),
            window: window,
            options: TCPOptions(parsing: bytes, from: offset &+ 20, to: payloadStart),
            payload: payload,
            payloadLength: declared &- headerLength
        )
        return .tcp(segment)
    }

    static func traffic(for ipProtocol: IPProtocol) -> Traffic {
        switch ipProtocol {
        case .udp: .udp
        case .icmp: .icmp
        case .icmpv6: .icmpv6
        default: .otherIPProtocol(ipProtocol)
        }
    }

    /// Why a header spanning `headerStart..<headerEnd` of an IP payload cannot be read, if it cannot: it
    /// runs past the length the IP header declares, or past what was captured.
    static func boundsProblem(headerStart: Int, headerEnd: Int, captured: Int, declared: Int) -> PacketError.Problem? {
        if headerEnd > declared { return .headerBeyondIPPayload(headerEnd: headerEnd, payloadLength: declared) }
        if headerEnd > captured {
            return .truncated(needed: headerEnd &- headerStart, captured: max(0, captured &- headerStart))
        }
        return nil
    }
}

/// TCP option kinds (IANA "TCP Option Kind Numbers").
private enum OptionKind {
    static let endOfList: UInt8 = 0
    static let noOperation: UInt8 = 1
    static let maximumSegmentSize: UInt8 = 2
    static let windowScale: UInt8 = 3
    static let sackPermitted: UInt8 = 4
    static let sack: UInt8 = 5
    static let timestamps: UInt8 = 8
}

extension TCPOptions {
    /// Parses the options between two offsets (RFC 9293 §3.2), without allocating.
    ///
    /// Known options with the wrong length are skipped. A length that is below 2 or runs past the header
    /// ends parsing, keeping what was parsed so far: a broken option never rejects the segment.
    init(parsing bytes: WireBytes, from start: Int, to end: Int) {
        self.init()
        // RFC 7323 Appendix A: most segments carry only NOP, NOP, timestamps, in that order.
        if end &- start == 12, bytes.uint32(start) == 0x0101_080A,
            let tsValue = bytes.uint32(start &+ 4), let echo = bytes.uint32(start &+ 8)
        {
            timestamp = TCPTimestampOption(value: tsValue, echoReply: echo)
            return
        }
        var index = start
        while index < end, let kind = bytes.byte(index) {
            if kind == OptionKind.endOfList { return }
            if kind == OptionKind.noOperation {
                index &+= 1
                continue
            }
            guard index &+ 1 < end, let lengthByte = bytes.byte(index &+ 1) else { return }
            let length = Int(lengthByte)
            guard length >= 2, index &+ length <= end else { return }
            let value = index &+ 2
            switch kind {
            case OptionKind.maximumSegmentSize where length == 4:
                maximumSegmentSize = bytes.uint16(value)
            case OptionKind.windowScale where length == 3:
                windowScale = bytes.byte(value)
            case OptionKind.sackPermitted where length == 2:
                sackPermitted = true
            case OptionKind.sack where length >= 10 && (length &- 2) % 8 == 0:
                sackBlockCount = (length &- 2) / 8
                if let left = bytes.uint32(value), let right = bytes.uint32(value &+ 4) {
                    firstSACKBlock = SACKBlock(left: left, right: right)
                }
            case OptionKind.timestamps where length == 10:
                if let tsValue = bytes.uint32(value), let echo = bytes.uint32(value &+ 4) {
                    timestamp = TCPTimestampOption(value: tsValue, echoReply: echo)
                }
            default:
                break
            }
            index &+= length
        }
    }
}
