public import HarkCore
public import HarkModel

/// TLS sessions to one server name (SNI, else the server address): how many, how many were decrypted,
/// which versions and application protocols, bytes each way and handshake times. Counted for every
/// TLS connection, decrypted or not, so `hark stats` shows encrypted traffic it cannot read.
public struct TLSServerStats: Sendable {
    /// The server name the clients asked for, or the server's address when they sent none.
    public var server: String
    /// TLS connections.
    public var connections = 0
    /// Connections whose application data was decrypted.
    public var decrypted = 0
    /// Connections per negotiated version (`TLS 1.3`; `?` without a ServerHello).
    public var versions: [String: Int] = [:]
    /// Connections per negotiated application protocol (`h2`; `?` when unknown).
    public var alpn: [String: Int] = [:]
    /// TCP payload bytes the clients sent (records, encrypted).
    public var bytesSent: Int64 = 0
    /// TCP payload bytes the servers sent.
    public var bytesReceived: Int64 = 0
    /// ClientHello to the end of the handshake.
    public var handshake = LatencyHistogram()

    /// No connections yet to `server`.
    public init(server: String) {
        self.server = server
    }

    /// Counts one connection.
    public mutating func add(_ tls: TLSSummary, bytesSent: Int64, bytesReceived: Int64) {
        connections += 1
        if tls.isDecrypted { decrypted += 1 }
        versions[tls.version.isEmpty ? "?" : tls.version, default: 0] += 1
        alpn[tls.alpn ?? "?", default: 0] += 1
        self.bytesSent &+= bytesSent
        self.bytesReceived &+= bytesReceived
        if let duration = tls.handshakeDuration { handshake.record(duration) }
    }
}
