import HarkCore
import NIOCore

extension PacketDecoder {
    /// Decodes the transport header of an IP payload: TCP into a segment, anything else into `Traffic`.
    ///
    /// - Parameters:
    ///   - offset: where the transport header starts in `buffer`.
    ///   - captured: how many bytes of the IP payload from `offset` were captured (never beyond `declared`).
    ///   - declared: how many bytes the IP header says follow from `offset`.
    static func decodeTransport(
        _ ipProtocol: IPProtocol, from source: IPAddress, to destination: IPAddress, in buffer: ByteBuffer,
        at offset: Int, captured: Int, declared: Int
    ) -> DecodedPacket {
        guard ipProtocol == .tcp else { return .other(traffic(for: ipProtocol)) }
        return decodeTCP(from: source, to: destination, in: buffer, at: offset, captured: captured, declared: declared)
    }

    static func traffic(for ipProtocol: IPProtocol) -> Traffic {
        switch ipProtocol {
        case .udp: .udp
        case .icmp: .icmp
        case .icmpv6: .icmpv6
        default: .otherIPProtocol(ipProtocol)
        }
    }

    /// Decodes a TCP header (RFC 9293 §3.1). The payload is a slice of `buffer`; checksums are not checked.
    private static func decodeTCP(
        from source: IPAddress, to destination: IPAddress, in buffer: ByteBuffer, at offset: Int, captured: Int,
        declared: Int
    ) -> DecodedPacket {
        if let problem = boundsProblem(headerStart: 0, headerEnd: 20, captured: captured, declared: declared) {
            return malformed(.tcp, at: offset, problem)
        }
        guard let sourcePort = buffer.uint16(atOffset: offset),
            let destinationPort = buffer.uint16(atOffset: offset &+ 2),
            let sequenceNumber = buffer.uint32(atOffset: offset &+ 4),
            let acknowledgmentNumber = buffer.uint32(atOffset: offset &+ 8),
            let offsetAndFlags = buffer.uint16(atOffset: offset &+ 12),
            let window = buffer.uint16(atOffset: offset &+ 14)
        else { return malformed(.tcp, at: offset, .truncated(needed: 20, captured: captured)) }
        let headerWords = Int(offsetAndFlags >> 12)
        guard headerWords >= 5 else {
            return malformed(.tcp, at: offset, .headerLengthBelowMinimum(words: headerWords, minimum: 5))
        }
        let headerLength = headerWords &* 4
        if let problem = boundsProblem(headerStart: 0, headerEnd: headerLength, captured: captured, declared: declared) {
            return malformed(.tcp, at: offset, problem)
        }
        let payloadStart = offset &+ headerLength
        guard let payload = buffer.slice(atOffset: payloadStart, length: captured &- headerLength) else {
            return malformed(.tcp, at: offset, .truncated(needed: headerLength, captured: captured))
        }
        let segment = TCPSegment(
            source: Endpoint(address: source, port: sourcePort),
            destination: Endpoint(address: destination, port: destinationPort),
            sequenceNumber: sequenceNumber,
            acknowledgmentNumber: acknowledgmentNumber,
            flags: TCPFlags(rawValue: offsetAndFlags & 0x00FF),
            window: window,
            options: TCPOptions(parsing: buffer, from: offset &+ 20, to: payloadStart),
            payload: payload,
            payloadLength: declared &- headerLength
        )
        return .tcp(segment)
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
    /// Parses the options in `buffer` between two offsets (RFC 9293 §3.2), without allocating.
    ///
    /// Known options with the wrong length are skipped. A length that is below 2 or runs past the header
    /// ends parsing, keeping what was parsed so far: a broken option never rejects the segment.
    init(parsing buffer: ByteBuffer, from start: Int, to end: Int) {
        self.init()
        var index = start
        while index < end, let kind = buffer.byte(atOffset: index) {
            if kind == OptionKind.endOfList { return }
            if kind == OptionKind.noOperation {
                index &+= 1
                continue
            }
            guard index &+ 1 < end, let lengthByte = buffer.byte(atOffset: index &+ 1) else { return }
            let length = Int(lengthByte)
            guard length >= 2, index &+ length <= end else { return }
            let value = index &+ 2
            switch kind {
            case OptionKind.maximumSegmentSize where length == 4:
                maximumSegmentSize = buffer.uint16(atOffset: value)
            case OptionKind.windowScale where length == 3:
                windowScale = buffer.byte(atOffset: value)
            case OptionKind.sackPermitted where length == 2:
                sackPermitted = true
            case OptionKind.sack where length >= 10 && (length &- 2) % 8 == 0:
                sackBlockCount = (length &- 2) / 8
                if let left = buffer.uint32(atOffset: value), let right = buffer.uint32(atOffset: value &+ 4) {
                    firstSACKBlock = SACKBlock(left: left, right: right)
                }
            case OptionKind.timestamps where length == 10:
                if let tsValue = buffer.uint32(atOffset: value), let echo = buffer.uint32(atOffset: value &+ 4) {
                    timestamp = TCPTimestampOption(value: tsValue, echoReply: echo)
                }
            default:
                break
            }
            index &+= length
        }
    }
}
