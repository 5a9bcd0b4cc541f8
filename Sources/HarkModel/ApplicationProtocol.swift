/// What a connection carries, as recognised from its first bytes (never from its port alone).
public struct ApplicationProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// HTTP/1.0 or HTTP/1.1.
    public static let http1 = ApplicationProtocol(rawValue: "http1")
    /// HTTP/2 with prior knowledge, or after an h2c upgrade.
    public static let http2 = ApplicationProtocol(rawValue: "h2")
    /// HTTP/3 over QUIC (RFC 9114).
    public static let http3 = ApplicationProtocol(rawValue: "h3")
    /// QUIC whose application protocol could not be read (no keys) or is not HTTP/3.
    public static let quic = ApplicationProtocol(rawValue: "quic")
    /// TLS records (decrypted or not).
    public static let tls = ApplicationProtocol(rawValue: "tls")
    /// WebSocket after an HTTP/1.1 upgrade.
    public static let webSocket = ApplicationProtocol(rawValue: "ws")
    /// FastCGI between a web server and an application server (PHP-FPM).
    public static let fastCGI = ApplicationProtocol(rawValue: "fcgi")
    /// Bytes hark does not decode.
    public static let unknown = ApplicationProtocol(rawValue: "unknown")
    /// No payload in either direction.
    public static let none = ApplicationProtocol(rawValue: "none")

    public var description: String { rawValue }
}
