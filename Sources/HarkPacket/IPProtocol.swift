/// An IPv4 Protocol or IPv6 Next Header value (IANA "Assigned Internet Protocol Numbers").
///
/// NIOCore's `NIOIPProtocol` has the same shape but lacks the IPv6 routing and fragment headers, which
/// the extension-header walk needs by name.
public struct IPProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    @inlinable
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// IPv6 Hop-by-Hop Options header (RFC 8200 §4.3).
    public static let hopByHopOptions = IPProtocol(rawValue: 0)
    /// Internet Control Message Protocol (RFC 792).
    public static let icmp = IPProtocol(rawValue: 1)
    /// Transmission Control Protocol (RFC 9293).
    public static let tcp = IPProtocol(rawValue: 6)
    /// User Datagram Protocol (RFC 768).
    public static let udp = IPProtocol(rawValue: 17)
    /// IPv6 Routing header (RFC 8200 §4.4).
    public static let routing = IPProtocol(rawValue: 43)
    /// IPv6 Fragment header (RFC 8200 §4.5).
    public static let fragment = IPProtocol(rawValue: 44)
    /// Encapsulating Security Payload (RFC 4303): encrypted, so decoding stops here.
    public static let encapsulatingSecurityPayload = IPProtocol(rawValue: 50)
    /// Authentication Header (RFC 4302).
    public static let authenticationHeader = IPProtocol(rawValue: 51)
    /// ICMP for IPv6 (RFC 4443).
    public static let icmpv6 = IPProtocol(rawValue: 58)
    /// IPv6 No Next Header (RFC 8200 §4.7): nothing follows.
    public static let noNextHeader = IPProtocol(rawValue: 59)
    /// IPv6 Destination Options header (RFC 8200 §4.6).
    public static let destinationOptions = IPProtocol(rawValue: 60)

    /// Whether this is an IPv6 extension header that hark walks through to reach the transport header.
    var isWalkableExtensionHeader: Bool {
        self == .hopByHopOptions || self == .routing || self == .fragment || self == .destinationOptions
            || self == .authenticationHeader
    }

    public var description: String {
        switch self {
        case .hopByHopOptions: "hop-by-hop options"
        case .icmp: "ICMP"
        case .tcp: "TCP"
        case .udp: "UDP"
        case .routing: "routing header"
        case .fragment: "fragment header"
        case .encapsulatingSecurityPayload: "ESP"
        case .authenticationHeader: "AH"
        case .icmpv6: "ICMPv6"
        case .noNextHeader: "no next header"
        case .destinationOptions: "destination options"
        default: "IP protocol \(rawValue)"
        }
    }
}
