/// The secrets a key log holds for one TLS session, named by its client random.
///
/// TLS 1.2 and earlier need only the master secret; TLS 1.3 needs the handshake and first application
/// traffic secrets of each side (later ones follow by KeyUpdate). Secrets are raw bytes as logged.
public struct TLSSessionSecrets: Hashable, Sendable {
    /// `CLIENT_RANDOM`: the 48-byte master secret of TLS 1.0–1.2.
    public var masterSecret: [UInt8]?
    /// `CLIENT_EARLY_TRAFFIC_SECRET`: protects TLS 1.3 0-RTT data.
    public var clientEarlyTrafficSecret: [UInt8]?
    /// `CLIENT_HANDSHAKE_TRAFFIC_SECRET`.
    public var clientHandshakeTrafficSecret: [UInt8]?
    /// `SERVER_HANDSHAKE_TRAFFIC_SECRET`.
    public var serverHandshakeTrafficSecret: [UInt8]?
    /// `CLIENT_TRAFFIC_SECRET_0`.
    public var clientTrafficSecret0: [UInt8]?
    /// `SERVER_TRAFFIC_SECRET_0`.
    public var serverTrafficSecret0: [UInt8]?

    /// Secrets from their parts; every one is optional.
    public init(
        masterSecret: [UInt8]? = nil,
        clientEarlyTrafficSecret: [UInt8]? = nil,
        clientHandshakeTrafficSecret: [UInt8]? = nil,
        serverHandshakeTrafficSecret: [UInt8]? = nil,
        clientTrafficSecret0: [UInt8]? = nil,
        serverTrafficSecret0: [UInt8]? = nil
    ) {
        self.masterSecret = masterSecret
        self.clientEarlyTrafficSecret = clientEarlyTrafficSecret
        self.clientHandshakeTrafficSecret = clientHandshakeTrafficSecret
        self.serverHandshakeTrafficSecret = serverHandshakeTrafficSecret
        self.clientTrafficSecret0 = clientTrafficSecret0
        self.serverTrafficSecret0 = serverTrafficSecret0
    }
}
