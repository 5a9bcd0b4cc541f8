public import HarkCore

/// What one captured frame turned out to be.
public enum DecodedPacket: Sendable {
    /// A TCP segment, ready for reassembly. Its payload is a slice of the frame (or, for a reassembled
    /// IP datagram, of a buffer of its own).
    case tcp(TCPSegment)
    /// A UDP datagram, for the UDP flow table and the analyzers behind it (QUIC). Its payload is a slice
    /// like a TCP segment's.
    case udp(UDPDatagram)
    /// Traffic hark does not analyse, identified for counting. Not an error.
    case other(Traffic)
    /// An IP fragment of a TCP or UDP datagram, kept until the rest arrives; the datagram comes out of the
    /// `decode` call that completes it.
    case fragmentHeld
    /// A header that cannot be decoded, with the layer, the offset and what was wrong.
    case malformed(PacketError)
}

/// Kinds of frame that are counted but not analysed.
public enum Traffic: Hashable, Sendable, CustomStringConvertible {
    /// A UDP datagram no analyzer recognised (DNS, mDNS, …), counted by its flow.
    case udp
    /// An ICMP message.
    case icmp
    /// An ICMPv6 message.
    case icmpv6
    /// An ARP frame.
    case arp
    /// Another IP protocol, including ESP (encrypted) and IPv6 "no next header".
    case otherIPProtocol(IPProtocol)
    /// A frame whose EtherType (or Linux cooked-capture protocol) is not IP, ARP, VLAN or PPPoE.
    case nonIPEtherType(EtherType)
    /// An IEEE 802.3 frame whose type field is a length: LLC/SNAP (spanning tree, CDP, …).
    case llc
    /// A PPPoE session frame carrying a PPP protocol other than IP (LCP, IPCP, …).
    case nonIPPPPProtocol(PPPProtocol)
    /// A BSD loopback (NULL/LOOP) frame whose address family is not IPv4 or IPv6.
    case nonIPAddressFamily(UInt32)
    /// A link type hark cannot decode.
    case unsupportedLinkType(LinkType)

    public var description: String {
        switch self {
        case .udp: "UDP"
        case .icmp: "ICMP"
        case .icmpv6: "ICMPv6"
        case .arp: "ARP"
        case .otherIPProtocol(let ipProtocol): ipProtocol.description
        case .nonIPEtherType(let etherType): "EtherType \(etherType)"
        case .llc: "IEEE 802.3 LLC"
        case .nonIPPPPProtocol(let pppProtocol): "PPP protocol \(pppProtocol)"
        case .nonIPAddressFamily(let family): "loopback address family \(family)"
        case .unsupportedLinkType(let linkType): "unsupported link type \(linkType)"
        }
    }
}

extension Traffic {
    /// The end-of-run line that says how many frames of this kind were left out, so that nothing is
    /// dropped in silence: `13 packets of link type 9999 not decoded`, `785 UDP packets not analysed`.
    public func unanalysedReport(count: Int) -> String {
        let packets = count == 1 ? "packet" : "packets"
        switch self {
        case .unsupportedLinkType(let linkType):
            return "\(count) \(packets) of link type \(linkType.rawValue) not decoded"
        case .udp:
            return "\(count) UDP \(packets) not analysed (hark analyses QUIC over UDP, not DNS or other UDP protocols)"
        default:
            return "\(count) \(description) \(packets) not analysed"
        }
    }
}
