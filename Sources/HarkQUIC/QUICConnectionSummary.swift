public import HarkCore
public import HarkTLS

/// What one QUIC connection's packets told, for `hark connections` and every exchange carried on it.
public struct QUICConnectionSummary: Sendable {
    /// The version of the server's long-header packets (else the client's).
    public var version: QUICVersion?
    /// The ClientHello's server name (SNI).
    public var serverName: String?
    /// The protocols the client offered (ALPN), in its order.
    public var offeredALPN: [String] = []
    /// The protocol the server chose (EncryptedExtensions' ALPN; needs the handshake keys).
    public var alpn: String?
    /// The TLS cipher suite the server chose.
    public var cipherSuite: TLSCipherSuite?
    /// The ClientHello's random, which names the session in a key log.
    public var clientRandom: TLSRandom?
    /// Whether 1-RTT packets were decrypted.
    public var decrypted = false
    /// Why 1-RTT packets were not decrypted; nil once they were.
    public var notDecryptedReason: String? = "the client's Initial packet was not captured"
    /// When the server's HANDSHAKE_DONE was captured (RFC 9001 §4.1.2: the handshake is confirmed);
    /// needs the 1-RTT keys.
    public var handshakeCompletedTime: Timestamp?
    /// How the connection was closed (CONNECTION_CLOSE), in words.
    public var closed: String?
    /// Packets read, and those that could not be decrypted.
    public var packets = 0
    public var undecryptedPackets = 0
    /// Key updates seen (RFC 9001 §6).
    public var keyUpdates = 0
    /// 0-RTT packets decrypted (the client's early data, RFC 9001 §4.6).
    public var earlyDataPackets = 0
    /// Connection IDs seen (long-header source IDs and NEW_CONNECTION_ID).
    public var connectionIDs = 0

    public init() {}
}
