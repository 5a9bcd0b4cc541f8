public import HarkCore

/// What is known about a connection's TLS session: negotiated parameters from the hellos, and whether
/// its records could be decrypted.
public struct TLSSessionInfo: Sendable, Equatable {
    /// The negotiated version (the ServerHello's, or its `supported_versions` for TLS 1.3); nil before
    /// the ServerHello.
    public var version: TLSVersion?
    /// The cipher suite the server chose; nil before the ServerHello.
    public var cipherSuite: TLSCipherSuite?
    /// The client random, which names the session in a key log; nil until a ClientHello is read.
    public var clientRandom: TLSRandom?
    /// The `server_name` (SNI) host name the client asked for.
    public var serverName: String?
    /// The ALPN protocols the client offered, in its order (`h2`, `http/1.1`).
    public var offeredALPN: [String]
    /// The ALPN protocol the server chose. In TLS 1.3 it travels in the encrypted EncryptedExtensions, so
    /// without keys it stays nil.
    public var alpn: String?
    /// Whether the server resumed an earlier session (TLS 1.2 abbreviated handshake, TLS 1.3 PSK).
    public var resumed: Bool
    /// Whether the server answered the first ClientHello with a HelloRetryRequest.
    public var helloRetry: Bool
    /// Whether both hellos carried `extended_master_secret` (RFC 7627). It changes how the master
    /// secret is made, which a key log already gives, not the key block.
    public var extendedMasterSecret: Bool
    /// Whether CBC records use encrypt-then-MAC (RFC 7366: both hellos carried the extension).
    public var encryptThenMAC: Bool
    /// Capture time of the segment that completed the (first) ClientHello.
    public var clientHelloTime: Timestamp?
    /// Capture time at which the handshake was seen to complete (see `TLSEvent.handshakeCompleted`).
    public var handshakeCompletedTime: Timestamp?
    /// Whether and how records are decrypted.
    public var decryption: TLSDecryptionStatus

    /// An empty session: nothing seen yet.
    public init() {
        offeredALPN = []
        resumed = false
        helloRetry = false
        extendedMasterSecret = false
        encryptThenMAC = false
        decryption = .pending
    }
}

/// Whether a connection's records are being decrypted.
public enum TLSDecryptionStatus: Hashable, Sendable, CustomStringConvertible {
    /// Not decided yet: the handshake has not reached the point where keys are needed.
    case pending
    /// Keys were found and records authenticate.
    case decrypted
    /// The key log has no usable secret for this session's client random.
    case noKeys
    /// The negotiated suite's record protection is one hark does not implement (RC4, 3DES, CCM, NULL).
    case unsupportedCipher(TLSCipherSuite)
    /// The negotiated version is one hark does not decrypt (SSL 3.0, unknown values).
    case unsupportedVersion(TLSVersion)
    /// Decryption was attempted, or would have been, and failed.
    case failed(TLSDecryptionFailure)

    /// `decrypted`, `no keys`, `failed: record authentication failed (server→client)`.
    public var description: String {
        switch self {
        case .pending: "pending"
        case .decrypted: "decrypted"
        case .noKeys: "no keys"
        case .unsupportedCipher(let suite): "unsupported cipher suite \(suite)"
        case .unsupportedVersion(let version): "unsupported version \(version)"
        case .failed(let failure): "failed: \(failure)"
        }
    }
}

/// Why records of a connection could not be decrypted.
public enum TLSDecryptionFailure: Hashable, Sendable, CustomStringConvertible {
    /// The capture holds no ClientHello/ServerHello for the connection (it started mid-connection), so
    /// the session cannot be named or its suite known.
    case handshakeNotSeen
    /// A record failed authentication with the logged secrets (a wrong or mismatched key log entry).
    case authenticationFailed(Direction)
    /// Record framing was lost in one direction (a capture gap across record boundaries, or bytes that
    /// are not TLS records) before keys could be put to use.
    case framingLost(Direction)
    /// A hello could not be parsed, so the session's parameters are unknown.
    case malformedHandshake

    /// `record authentication failed (server→client)`.
    public var description: String {
        switch self {
        case .handshakeNotSeen: "handshake not in capture"
        case .authenticationFailed(let direction): "record authentication failed (\(direction))"
        case .framingLost(let direction): "record framing lost (\(direction))"
        case .malformedHandshake: "malformed handshake"
        }
    }
}
