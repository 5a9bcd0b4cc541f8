/// One side of a transport connection: an IP address and a port.
public struct Endpoint: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The IP address.
    public var address: IPAddress
    /// The TCP or UDP port.
    public var port: UInt16

    @inlinable
    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    public static func < (lhs: Endpoint, rhs: Endpoint) -> Bool {
        (lhs.address, lhs.port) < (rhs.address, rhs.port)
    }

    /// `10.0.0.1:80`, or `[::1]:80` for IPv6.
    public var description: String {
        guard let ipv4 = address.ipv4Value else { return "[\(address)]:\(port)" }
        return String(ipv4: ipv4, port: port)
    }
}
