/// A header that could not be decoded: which layer, where in the frame, and what was wrong.
///
/// Offsets count from the first byte of the frame. For a datagram rebuilt from IP fragments they count
/// from the first byte of the rebuilt IP payload instead, and `isInReassembledDatagram` says so.
public struct PacketError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The protocol layer whose header was wrong.
    public enum Layer: String, Hashable, Sendable {
        /// The Ethernet II header.
        case ethernet = "Ethernet"
        /// An 802.1Q or 802.1ad tag.
        case vlan = "VLAN tag"
        /// A PPPoE session header and its PPP protocol field.
        case pppoe = "PPPoE"
        /// A Linux cooked-capture v1 header.
        case linuxSLL = "Linux SLL"
        /// A Linux cooked-capture v2 header.
        case linuxSLL2 = "Linux SLL2"
        /// A BSD NULL or LOOP address-family word.
        case loopback = "loopback"
        /// The version nibble of a raw-IP frame.
        case rawIP = "raw IP"
        /// The IPv4 header, or IPv4 fragment reassembly.
        case ipv4 = "IPv4"
        /// The fixed IPv6 header.
        case ipv6 = "IPv6"
        /// An IPv6 extension header, or IPv6 fragment reassembly.
        case ipv6ExtensionHeader = "IPv6 extension header"
        /// The TCP header.
        case tcp = "TCP"
        /// The UDP header.
        case udp = "UDP"
        /// An NFLOG header or one of its attributes.
        case nflog = "NFLOG"
    }

    /// What was wrong.
    public enum Problem: Hashable, Sendable {
        /// The header needs `needed` bytes from its start, but only `captured` were captured.
        case truncated(needed: Int, captured: Int)
        /// The IP version nibble is not the one the layer below announced (or, for raw IP, neither 4 nor 6).
        case wrongVersion(UInt8)
        /// A header-length field (IPv4 IHL, TCP data offset) is below the minimum, in 32-bit words.
        case headerLengthBelowMinimum(words: Int, minimum: Int)
        /// The IPv4 total length is smaller than the IPv4 header itself.
        case totalLengthBelowHeader(totalLength: Int, headerLength: Int)
        /// A header runs past the payload length the IP header declares.
        case headerBeyondIPPayload(headerEnd: Int, payloadLength: Int)
        /// A UDP length field below the 8-byte header or beyond the IP payload it travels in.
        case udpLengthOutOfRange(udpLength: Int, ipPayloadLength: Int)
        /// A PPPoE session header whose version/type is not 0x11 or whose code is not 0.
        case unexpectedPPPoEHeader(versionAndType: UInt8, code: UInt8)
        /// An IP fragment whose payload was cut by the snapshot length, so it cannot be reassembled.
        case fragmentTruncated(declared: Int, captured: Int)
        /// An IP fragment that carries no data.
        case emptyFragment
        /// A fragment other than the last whose length is not a multiple of 8 (RFC 791, RFC 8200 §4.5).
        case fragmentLengthNotMultipleOfEight(Int)
        /// A fragment that would make the datagram longer than the limit.
        case fragmentBeyondMaximumSize(end: Int, maximum: Int)
        /// A fragment whose bytes differ from bytes already received for the same datagram offsets.
        case fragmentOverlapConflict(offset: Int, length: Int)
        /// A fragment that contradicts the datagram's end: a second "last" fragment with another end, or
        /// data beyond the end.
        case fragmentEndConflict(lastFragmentEnd: Int, otherFragmentEnd: Int)
        /// A datagram split into more pieces than the limit allows.
        case tooManyFragments(limit: Int)
        /// A datagram that alone needs more buffer than the whole limit.
        case fragmentBufferLimit(limit: Int)
        /// A Fragment header inside an already reassembled IPv6 datagram.
        case nestedFragmentHeader
        /// An NFLOG attribute whose length is below its own 4-byte header or runs past the frame.
        case badAttributeLength(Int)
        /// An NFLOG message without the packet attribute (`NFULA_PAYLOAD`).
        case missingPayload
    }

    /// The layer whose header was wrong.
    public var layer: Layer
    /// The byte offset of that layer's header (see the type's note on reassembled datagrams).
    public var offset: Int
    /// What was wrong.
    public var problem: Problem
    /// Whether `offset` counts from the start of a reassembled IP payload rather than the frame.
    public var isInReassembledDatagram: Bool

    public init(layer: Layer, offset: Int, problem: Problem, isInReassembledDatagram: Bool = false) {
        self.layer = layer
        self.offset = offset
        self.problem = problem
        self.isInReassembledDatagram = isInReassembledDatagram
    }

    /// `IPv4 header at offset 14: header length 4 words is below the minimum 5`.
    public var description: String {
        let place = isInReassembledDatagram ? "offset \(offset) of a reassembled datagram" : "offset \(offset)"
        return "\(layer.rawValue) header at \(place): \(problemText)"
    }

    private var problemText: String {
        switch problem {
        case .truncated(let needed, let captured):
            "needs \(needed) bytes but only \(captured) were captured"
        case .wrongVersion(let version):
            layer == .rawIP ? "version \(version) is neither 4 nor 6" : "version \(version) is not \(layer.rawValue)"
        case .headerLengthBelowMinimum(let words, let minimum):
            "header length \(words) words is below the minimum \(minimum)"
        case .totalLengthBelowHeader(let totalLength, let headerLength):
            "total length \(totalLength) is below the header length \(headerLength)"
        case .headerBeyondIPPayload(let headerEnd, let payloadLength):
            "header ends at byte \(headerEnd) of an IP payload of \(payloadLength) bytes"
        case .udpLengthOutOfRange(let udpLength, let ipPayloadLength):
            "length \(udpLength) is outside 8…\(ipPayloadLength), the IP payload's length"
        case .unexpectedPPPoEHeader(let versionAndType, let code):
            "version/type 0x\(String(versionAndType, radix: 16)) and code \(code) are not a session frame's 0x11 and 0"
        case .fragmentTruncated(let declared, let captured):
            "fragment of \(declared) bytes was cut to \(captured) by the snapshot length"
        case .emptyFragment:
            "fragment carries no data"
        case .fragmentLengthNotMultipleOfEight(let length):
            "fragment length \(length) is not a multiple of 8 but more fragments follow"
        case .fragmentBeyondMaximumSize(let end, let maximum):
            "fragment ends at byte \(end), beyond the \(maximum)-byte datagram limit"
        case .fragmentOverlapConflict(let offset, let length):
            "fragment at \(offset) (\(length) bytes) overlaps earlier fragments with different bytes"
        case .fragmentEndConflict(let lastFragmentEnd, let otherFragmentEnd):
            "the last fragment ends the datagram at byte \(lastFragmentEnd), another fragment at \(otherFragmentEnd)"
        case .tooManyFragments(let limit):
            "datagram has more than \(limit) fragments"
        case .fragmentBufferLimit(let limit):
            "datagram needs more than the \(limit)-byte fragment buffer"
        case .nestedFragmentHeader:
            "a reassembled datagram holds another fragment header"
        case .badAttributeLength(let length):
            "attribute length \(length) is below 4 or runs past the frame"
        case .missingPayload:
            "no packet attribute (NFULA_PAYLOAD)"
        }
    }
}
