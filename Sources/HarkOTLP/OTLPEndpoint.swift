/// Where a Collector listens for OTLP/HTTP: `http://host:port` plus the base path the signal paths
/// (`/v1/traces`, `/v1/metrics`) are appended to.
public struct OTLPEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// A host name or address (IPv6 without brackets).
    public var host: String
    /// The TCP port (4318 when the URL names none).
    public var port: Int
    /// The path before `/v1/…`, without a trailing `/` (often empty).
    public var basePath: String

    /// Parses `http://host[:port][/path]`; a bare `host[:port]` is read as `http://`, and a trailing
    /// `/v1/traces` or `/v1/metrics` is taken off.
    ///
    /// - Throws: `OTLPEndpointError` for `https://` (hark has no TLS client; send to a local Collector,
    ///   which forwards over TLS) or a malformed URL.
    public init(_ url: String) throws(OTLPEndpointError) {
        var rest = Substring(url)
        if rest.hasPrefix("https://") { throw OTLPEndpointError("\(url): https is not supported; send to a Collector over http (it can forward with TLS)") }
        if rest.hasPrefix("http://") { rest = rest.dropFirst(7) }
        guard !rest.contains("://") else { throw OTLPEndpointError("\(url): only http:// URLs are supported") }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        var path = rest[slash...]
        while path.hasSuffix("/") { path = path.dropLast() }
        // A signal URL (`…/v1/traces`) names the same Collector: keep its base.
        for signal in ["/v1/traces", "/v1/metrics"] where path.hasSuffix(signal) { path = path.dropLast(signal.count) }
        let hostPart: Substring
        var port = 4318
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw OTLPEndpointError("\(url): unclosed [ in the host") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let number = Int(after.dropFirst()) else { throw OTLPEndpointError("\(url): bad port") }
                port = number
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            guard let number = Int(authority[authority.index(after: colon)...]) else { throw OTLPEndpointError("\(url): bad port") }
            port = number
        } else {
            hostPart = authority
        }
        guard !hostPart.isEmpty else { throw OTLPEndpointError("\(url): no host") }
        guard (1...65535).contains(port) else { throw OTLPEndpointError("\(url): port \(port) is out of range") }
        host = String(hostPart)
        self.port = port
        basePath = String(path)
    }

    /// `host:port` (`[::1]:4318`), as the `Host` header gives it.
    public var authority: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// `http://host:port/base`.
    public var description: String { "http://\(authority)\(basePath)" }
}

/// A `--otlp` URL hark cannot send to, with the reason.
public struct OTLPEndpointError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
