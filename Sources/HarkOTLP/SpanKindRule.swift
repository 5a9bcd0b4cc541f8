public import HarkCore
import Glibc

/// Which side of an exchange hark's span describes: the documented vantage-point rule.
///
/// hark sees both sides of every exchange on the wire; what it cannot see is whose span it is. `auto`
/// decides from the addresses: when the exchange's server address is one of this machine's and the
/// client's is not, hark watched this machine *serve* the request, so the span is SERVER; otherwise
/// (this machine was the client, a capture file from elsewhere, loopback traffic where both sides are
/// local) it is CLIENT, the view from the caller.
public enum SpanKindRule: Sendable {
    /// CLIENT for every exchange.
    case client
    /// SERVER for every exchange.
    case server
    /// SERVER when the server address is in `localAddresses` and the client address is not; CLIENT otherwise.
    case auto(localAddresses: Set<IPAddress>)

    /// The kind of the span for an exchange between `client` and `server`.
    public func kind(client: IPAddress, server: IPAddress) -> OTLPSpan.Kind {
        switch self {
        case .client: .client
        case .server: .server
        case .auto(let local): local.contains(server) && !local.contains(client) ? .server : .client
        }
    }

    /// The addresses of this machine's interfaces (`getifaddrs`); empty when they cannot be read.
    public static func machineAddresses() -> Set<IPAddress> {
        var first: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&first) == 0 else { return [] }
        defer { freeifaddrs(first) }
        var addresses: Set<IPAddress> = []
        var next = first
        while let entry = next {
            next = entry.pointee.ifa_next
            guard let socketAddress = entry.pointee.ifa_addr else { continue }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            let family = Int32(socketAddress.pointee.sa_family)
            let converted: UnsafePointer<CChar>?
            switch family {
            case AF_INET:
                converted = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    var address = pointer.pointee.sin_addr
                    return inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
                }
            case AF_INET6:
                converted = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    var address = pointer.pointee.sin6_addr
                    return inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
                }
            default:
                continue
            }
            guard converted != nil else { continue }
            let string = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            // A link-local IPv6 address may carry a zone (`fe80::1%eth0`); the wire address has none.
            if let address = IPAddress(string.prefix { $0 != "%" }) { addresses.insert(address) }
        }
        return addresses
    }
}
