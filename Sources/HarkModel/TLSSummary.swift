public import HarkCore

/// What a connection's TLS handshake said, for every output: decrypted or not, a TLS connection
/// shows its version, cipher, server name and application protocol.
public struct TLSSummary: Hashable, Sendable {
    /// The negotiated version as people write it (`TLS 1.3`); empty when no ServerHello was seen.
    public var version: String
    /// The negotiated cipher suite's IANA name (`TLS_AES_128_GCM_SHA256`); empty when unknown.
    public var cipherSuite: String
    /// The server name the client asked for (SNI).
    public var serverName: String?
    /// The application protocols the client offered (ALPN), in its order of preference.
    public var offeredALPN: [String]
    /// The application protocol the server chose (ALPN).
    public var alpn: String?
    /// Whether the session was resumed (abbreviated TLS 1.2 handshake or a TLS 1.3 PSK).
    public var resumed: Bool
    /// When the ClientHello started.
    public var clientHelloTime: Timestamp?
    /// When the handshake finished (the client's Finished, or the first application data without keys).
    public var handshakeCompletedTime: Timestamp?
    /// Why the application data could not be read; nil when it was decrypted.
    public var notDecryptedReason: String?

    public init(
        version: String,
        cipherSuite: String,
        serverName: String? = nil,
        offeredALPN: [String] = [],
        alpn: String? = nil,
        resumed: Bool = false,
        clientHelloTime: Timestamp? = nil,
        handshakeCompletedTime: Timestamp? = nil,
        notDecryptedReason: String? = nil
    ) {
        self.version = version
        self.cipherSuite = cipherSuite
        self.serverName = serverName
        self.offeredALPN = offeredALPN
        self.alpn = alpn
        self.resumed = resumed
        self.clientHelloTime = clientHelloTime
        self.handshakeCompletedTime = handshakeCompletedTime
        self.notDecryptedReason = notDecryptedReason
    }

    /// Whether the application data was decrypted.
    public var isDecrypted: Bool { notDecryptedReason == nil }

    /// ClientHello to the end of the handshake, when both were captured.
    public var handshakeDuration: TimeSpan? {
        guard let clientHelloTime, let handshakeCompletedTime else { return nil }
        return handshakeCompletedTime.since(clientHelloTime)
    }
}
