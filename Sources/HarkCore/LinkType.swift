/// A capture's link-layer header type, as numbered by the tcpdump.org LINKTYPE_ registry.
///
/// A struct rather than an enum so that values hark cannot decode still survive and show in messages.
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    @inlinable
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// LINKTYPE_NULL: BSD loopback, a 4-byte protocol family in the writer's byte order.
    public static let null = LinkType(rawValue: 0)
    /// LINKTYPE_ETHERNET: IEEE 802.3 / Ethernet II.
    public static let ethernet = LinkType(rawValue: 1)
    /// LINKTYPE_RAW: a raw IPv4 or IPv6 packet, told apart by the version nibble.
    public static let raw = LinkType(rawValue: 101)
    /// LINKTYPE_LOOP: OpenBSD loopback, a 4-byte protocol family in network byte order.
    public static let loop = LinkType(rawValue: 108)
    /// LINKTYPE_LINUX_SLL: Linux "cooked" capture, version 1.
    public static let linuxSLL = LinkType(rawValue: 113)
    /// LINKTYPE_IPV4: raw IPv4.
    public static let ipv4 = LinkType(rawValue: 228)
    /// LINKTYPE_IPV6: raw IPv6.
    public static let ipv6 = LinkType(rawValue: 229)
    /// LINKTYPE_LINUX_SLL2: Linux "cooked" capture, version 2.
    public static let linuxSLL2 = LinkType(rawValue: 276)
    /// LINKTYPE_NFLOG: Linux netfilter log messages (libpcap's `nflog:GROUP` device): a 4-byte header,
    /// then type-length-value attributes, the packet in one of them.
    public static let nflog = LinkType(rawValue: 239)

    public var description: String {
        switch self {
        case .null: "NULL"
        case .ethernet: "EN10MB"
        case .raw: "RAW"
        case .loop: "LOOP"
        case .linuxSLL: "LINUX_SLL"
        case .ipv4: "IPV4"
        case .ipv6: "IPV6"
        case .linuxSLL2: "LINUX_SLL2"
        case .nflog: "NFLOG"
        default: "LINKTYPE_\(rawValue)"
        }
    }
}
