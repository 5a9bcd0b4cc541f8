public import HarkCore
public import HarkPacket
public import NIOCore

/// Builds frames byte by byte for tests: link headers, IPv4 and IPv6 packets (with fragmentation
/// helpers and extension headers) and TCP segments.
///
/// Each function wraps one layer's header around the bytes it is given, so frames are built inside out.
/// The IPv4 header checksum is computed; the TCP checksum is left zero (hark does not check it).
///
/// ### Example
/// ```swift
/// let segment = PacketBuilder.tcp(sourcePort: 40000, destinationPort: 80, flags: [.syn])
/// let frame = PacketBuilder.ethernet(PacketBuilder.ipv4(from: "10.0.0.1", to: "10.0.0.2", payload: segment))
/// // or, for the common case, straight to a ByteBuffer:
/// let buffer = PacketBuilder.tcpFrame(from: "10.0.0.1", to: "10.0.0.2", flags: [.syn])
/// ```
public enum PacketBuilder {
    // MARK: TCP

    /// A TCP option, as `tcp(options:)` lays it out.
    public enum TCPOption: Sendable {
        /// Kind 0, which ends the list.
        case endOfList
        /// Kind 1, padding.
        case noOperation
        /// Kind 2.
        case maximumSegmentSize(UInt16)
        /// Kind 3: the shift count.
        case windowScale(UInt8)
        /// Kind 4.
        case sackPermitted
        /// Kind 5: up to four blocks.
        case sack([SACKBlock])
        /// Kind 8.
        case timestamp(value: UInt32, echoReply: UInt32)
        /// Any bytes, for malformed options.
        case raw([UInt8])

        var bytes: [UInt8] {
            switch self {
            case .endOfList: [0]
            case .noOperation: [1]
            case .maximumSegmentSize(let mss): [2, 4] + be(mss)
            case .windowScale(let shift): [3, 3, shift]
            case .sackPermitted: [4, 2]
            case .sack(let blocks): [5, UInt8(2 + 8 * blocks.count)] + blocks.flatMap { be($0.left) + be($0.right) }
            case .timestamp(let value, let echoReply): [8, 10] + be(value) + be(echoReply)
            case .raw(let bytes): bytes
            }
        }
    }

    /// A TCP header and payload; options are padded with zeros to a multiple of 4 bytes.
    public static func tcp(
        sourcePort: UInt16 = 40000,
        destinationPort: UInt16 = 80,
        sequenceNumber: UInt32 = 1,
        acknowledgmentNumber: UInt32 = 0,
        flags: TCPFlags = [.ack],
        window: UInt16 = 65535,
        options: [TCPOption] = [],
        payload: [UInt8] = []
    ) -> [UInt8] {
        let optionBytes = padded(options.flatMap(\.bytes), toMultipleOf: 4)
        let dataOffset = UInt16((20 + optionBytes.count) / 4) << 12
        return be(sourcePort) + be(destinationPort) + be(sequenceNumber) + be(acknowledgmentNumber)
            + be(dataOffset | flags.rawValue) + be(window) + [0, 0, 0, 0] + optionBytes + payload
    }

    /// An Ethernet/IPv4/TCP frame (Ethernet/IPv6/TCP when the addresses are IPv6) as a ByteBuffer, the
    /// common case for decoder and reassembly tests.
    public static func tcpFrame(
        from source: String,
        port sourcePort: UInt16 = 40000,
        to destination: String,
        port destinationPort: UInt16 = 80,
        sequenceNumber: UInt32 = 1,
        acknowledgmentNumber: UInt32 = 0,
        flags: TCPFlags = [.ack],
        window: UInt16 = 65535,
        options: [TCPOption] = [],
        payload: [UInt8] = []
    ) -> ByteBuffer {
        let segment = tcp(
            sourcePort: sourcePort,
            destinationPort: destinationPort,
            sequenceNumber: sequenceNumber,
            acknowledgmentNumber: acknowledgmentNumber,
            flags: flags,
            window: window,
            options: options,
            payload: payload
        )
        let packet =
            source.contains(":")
            ? ipv6(from: source, to: destination, payload: segment)
            : ipv4(from: source, to: destination, payload: segment)
        return ByteBuffer(bytes: ethernet(packet, etherType: source.contains(":") ? .ipv6 : .ipv4))
    }

    // MARK: IPv4

    /// An IPv4 packet. `options` are padded with zeros (End of Options List) to a multiple of 4 bytes;
    /// `fragmentOffset` is in bytes and must be a multiple of 8.
    public static func ipv4(
        from source: String,
        to destination: String,
        protocol ipProtocol: IPProtocol = .tcp,
        identification: UInt16 = 1,
        ttl: UInt8 = 64,
        options: [UInt8] = [],
        dontFragment: Bool = false,
        moreFragments: Bool = false,
        fragmentOffset: Int = 0,
        payload: [UInt8]
    ) -> [UInt8] {
        let optionBytes = padded(options, toMultipleOf: 4)
        let headerLength = 20 + optionBytes.count
        let flags: UInt16 = (dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0)
        var header =
            [0x40 | UInt8(headerLength / 4), 0] + be(UInt16(headerLength + payload.count)) + be(identification)
            + be(flags | UInt16(fragmentOffset / 8)) + [ttl, ipProtocol.rawValue, 0, 0]
            + ipv4Bytes(source) + ipv4Bytes(destination) + optionBytes
        let checksum = internetChecksum(header)
        header[10] = UInt8(checksum >> 8)
        header[11] = UInt8(checksum & 0xFF)
        return header + payload
    }

    /// `payload` split into IPv4 fragments carrying at most `fragmentSize` bytes each (rounded down to a
    /// multiple of 8), in order.
    public static func ipv4Fragments(
        from source: String,
        to destination: String,
        protocol ipProtocol: IPProtocol = .tcp,
        identification: UInt16 = 1,
        payload: [UInt8],
        fragmentSize: Int
    ) -> [[UInt8]] {
        chunks(of: payload, size: fragmentSize).map { offset, chunk, isLast in
            ipv4(
                from: source,
                to: destination,
                protocol: ipProtocol,
                identification: identification,
                moreFragments: !isLast,
                fragmentOffset: offset,
                payload: chunk
            )
        }
    }

    // MARK: IPv6

    /// An IPv6 extension header, as `ipv6(extensionHeaders:)` chains it.
    public struct IPv6ExtensionHeader: Sendable {
        /// The header's own protocol number, which the header before it names as Next Header.
        public var kind: IPProtocol
        /// The bytes after Next Header and Hdr Ext Len (for a Fragment header, after Next Header).
        public var body: [UInt8]

        /// A Hop-by-Hop Options header; `options` are padded with Pad1 to a multiple of 8 bytes.
        public static func hopByHop(_ options: [UInt8] = []) -> Self { Self(kind: .hopByHopOptions, body: options) }
        /// A Destination Options header; `options` are padded with Pad1 to a multiple of 8 bytes.
        public static func destinationOptions(_ options: [UInt8] = []) -> Self {
            Self(kind: .destinationOptions, body: options)
        }
        /// A routing header of type 0 with no segments left.
        public static func routing() -> Self { Self(kind: .routing, body: [0, 0, 0, 0, 0, 0]) }
        /// An Authentication Header with a 12-byte integrity check value.
        public static func authentication(spi: UInt32 = 0x100) -> Self {
            Self(
                kind: .authenticationHeader,
                body: [0, 0] + be(spi) + be(UInt32(1)) + [UInt8](repeating: 0xAA, count: 12)
            )
        }
        /// A Fragment header; `offset` is in bytes and must be a multiple of 8.
        public static func fragment(offset: Int, moreFragments: Bool, identification: UInt32) -> Self {
            Self(kind: .fragment, body: [0] + be(UInt16(offset) | (moreFragments ? 1 : 0)) + be(identification))
        }

        func bytes(next: IPProtocol) -> [UInt8] {
            switch kind {
            case .fragment:
                return [next.rawValue] + body
            case .authenticationHeader:
                // RFC 4302 §2.2: Payload Len counts 4-byte units, minus 2; IPv6 wants a multiple of 8 bytes.
                let padding = padded([next.rawValue, 0] + body, toMultipleOf: 8).dropFirst(2 + body.count)
                return [next.rawValue, UInt8((2 + body.count + padding.count) / 4 - 2)] + body + padding
            default:
                let padding = padded([next.rawValue, 0] + body, toMultipleOf: 8).dropFirst(2 + body.count)
                return [next.rawValue, UInt8((2 + body.count + padding.count) / 8 - 1)] + body + padding
            }
        }
    }

    /// A chain of extension headers, each naming the next, the last naming `nextHeader`: for building a
    /// fragmentable part that starts with extension headers.
    public static func ipv6ExtensionHeaderBytes(_ headers: [IPv6ExtensionHeader], then nextHeader: IPProtocol)
        -> [UInt8]
    {
        headers.indices.flatMap { index in
            headers[index].bytes(next: index + 1 < headers.count ? headers[index + 1].kind : nextHeader)
        }
    }

    /// An IPv6 packet with an optional chain of extension headers before the payload.
    public static func ipv6(
        from source: String,
        to destination: String,
        nextHeader: IPProtocol = .tcp,
        extensionHeaders: [IPv6ExtensionHeader] = [],
        hopLimit: UInt8 = 64,
        payload: [UInt8]
    ) -> [UInt8] {
        let chain = ipv6ExtensionHeaderBytes(extensionHeaders, then: nextHeader)
        let first = extensionHeaders.first?.kind ?? nextHeader
        return [0x60, 0, 0, 0] + be(UInt16(chain.count + payload.count)) + [first.rawValue, hopLimit]
            + ipv6Bytes(source) + ipv6Bytes(destination) + chain + payload
    }

    /// `payload` (the fragmentable part, starting with a `nextHeader` header) split into IPv6 fragments of
    /// at most `fragmentSize` bytes each (rounded down to a multiple of 8), in order.
    public static func ipv6Fragments(
        from source: String,
        to destination: String,
        nextHeader: IPProtocol = .tcp,
        identification: UInt32 = 1,
        payload: [UInt8],
        fragmentSize: Int
    ) -> [[UInt8]] {
        chunks(of: payload, size: fragmentSize).map { offset, chunk, isLast in
            ipv6(
                from: source,
                to: destination,
                nextHeader: nextHeader,
                extensionHeaders: [.fragment(offset: offset, moreFragments: !isLast, identification: identification)],
                payload: chunk
            )
        }
    }

    // MARK: Link layers

    /// An 802.1Q (customer) or 802.1ad (service) VLAN tag.
    public struct VLANTag: Sendable {
        /// The tag protocol identifier (the EtherType that announces the tag).
        public var protocolIdentifier: EtherType
        /// The 12-bit VLAN identifier (priority bits left zero).
        public var identifier: UInt16

        public init(protocolIdentifier: EtherType, identifier: UInt16) {
            self.protocolIdentifier = protocolIdentifier
            self.identifier = identifier
        }
        /// An 802.1Q tag (0x8100).
        public static func customer(_ identifier: UInt16) -> Self {
            Self(protocolIdentifier: .vlan, identifier: identifier)
        }
        /// An 802.1ad service tag (0x88A8), the outer tag of QinQ.
        public static func service(_ identifier: UInt16) -> Self {
            Self(protocolIdentifier: .serviceVLAN, identifier: identifier)
        }
    }

    /// An Ethernet II frame, outer VLAN tag first. `padToMinimum` pads it to 60 bytes as a card would.
    public static func ethernet(
        _ payload: [UInt8],
        etherType: EtherType = .ipv4,
        vlanTags: [VLANTag] = [],
        padToMinimum: Bool = false
    ) -> [UInt8] {
        var frame: [UInt8] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB]
        for tag in vlanTags { frame += be(tag.protocolIdentifier.rawValue) + be(tag.identifier) }
        frame += be(etherType.rawValue) + payload
        if padToMinimum, frame.count < 60 { frame += [UInt8](repeating: 0, count: 60 - frame.count) }
        return frame
    }

    /// A PPPoE session header (RFC 2516) and PPP protocol field; wrap it in `ethernet(etherType: .pppoeSession)`.
    public static func pppoeSession(_ payload: [UInt8], pppProtocol: PPPProtocol = .ipv4, sessionID: UInt16 = 1)
        -> [UInt8]
    {
        [0x11, 0] + be(sessionID) + be(UInt16(payload.count + 2)) + be(pppProtocol.rawValue) + payload
    }

    /// A Linux cooked-capture v1 header (16 bytes).
    public static func linuxSLL(_ payload: [UInt8], protocol type: EtherType = .ipv4) -> [UInt8] {
        [0, 0, 0, 1, 0, 6, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0] + be(type.rawValue) + payload
    }

    /// A Linux cooked-capture v2 header (20 bytes).
    public static func linuxSLL2(_ payload: [UInt8], protocol type: EtherType = .ipv4) -> [UInt8] {
        be(type.rawValue) + [0, 0] + be(UInt32(2)) + [0, 1, 0, 6, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0] + payload
    }

    /// A BSD loopback header: the address family in little-endian (NULL as written on x86) or network
    /// byte order (LOOP, or NULL written on a big-endian machine).
    public static func loopback(_ payload: [UInt8], family: UInt32 = 2, bigEndian: Bool = false) -> [UInt8] {
        (bigEndian ? be(family) : be(family.byteSwapped)) + payload
    }

    /// An IP packet wrapped in the link header `linkType` calls for (IPv4 or IPv6 told by its version).
    public static func frame(_ packet: [UInt8], linkType: LinkType) -> [UInt8] {
        let isIPv6 = (packet.first ?? 0) >> 4 == 6
        switch linkType {
        case .ethernet: return ethernet(packet, etherType: isIPv6 ? .ipv6 : .ipv4)
        case .linuxSLL: return linuxSLL(packet, protocol: isIPv6 ? .ipv6 : .ipv4)
        case .linuxSLL2: return linuxSLL2(packet, protocol: isIPv6 ? .ipv6 : .ipv4)
        case .null: return loopback(packet, family: isIPv6 ? 30 : 2)
        case .loop: return loopback(packet, family: isIPv6 ? 24 : 2, bigEndian: true)
        default: return packet
        }
    }

    // MARK: Bytes

    private static func chunks(of payload: [UInt8], size: Int) -> [(offset: Int, chunk: [UInt8], isLast: Bool)] {
        let step = max(8, size / 8 * 8)
        return stride(from: 0, to: max(payload.count, 1), by: step).map { offset in
            let end = min(offset + step, payload.count)
            return (offset, Array(payload[offset..<end]), end == payload.count)
        }
    }

    private static func padded(_ bytes: [UInt8], toMultipleOf unit: Int) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: (unit - bytes.count % unit) % unit)
    }

    private static func address(_ text: String) -> IPAddress {
        guard let address = IPAddress(text) else { preconditionFailure("not an IP address: \(text)") }
        return address
    }

    private static func ipv4Bytes(_ text: String) -> [UInt8] {
        be(UInt32(truncatingIfNeeded: address(text).low))
    }

    private static func ipv6Bytes(_ text: String) -> [UInt8] {
        let parsed = address(text)
        return be(parsed.high) + be(parsed.low)
    }

    /// The RFC 1071 one's-complement sum of 16-bit words.
    private static func internetChecksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        for index in stride(from: 0, to: bytes.count, by: 2) {
            sum += UInt32(bytes[index]) << 8 + UInt32(index + 1 < bytes.count ? bytes[index + 1] : 0)
        }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }
}

/// The big-endian bytes of an integer.
private func be<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    (0..<T.bitWidth / 8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
}
