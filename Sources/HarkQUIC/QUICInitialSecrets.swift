import Crypto
import HarkTLS

/// The keys of Initial packets, which anyone can derive from the client's first Destination Connection
/// ID (RFC 9001 §5.2, RFC 9369 §3.3.1): that is how hark reads every connection's ClientHello without a
/// key log.
enum QUICInitialSecrets {
    /// The client's and the server's Initial secrets; nil for a version hark does not know.
    static func secrets(destinationConnectionID: some Sequence<UInt8>, version: QUICVersion) -> (client: [UInt8], server: [UInt8])? {
        guard let salt = version.initialSalt else { return nil }
        let initial = HKDF<SHA256>.extract(inputKeyMaterial: SymmetricKey(data: Array(destinationConnectionID)), salt: salt)
        let initialSecret = initial.withUnsafeBytes { Array($0) }
        return (
            TLS13KeySchedule.expandLabel(.sha256, secret: initialSecret, label: "client in", length: 32),
            TLS13KeySchedule.expandLabel(.sha256, secret: initialSecret, label: "server in", length: 32)
        )
    }

    /// Both directions' Initial packet keys (AES-128-GCM, SHA-256).
    static func keys(destinationConnectionID: some Sequence<UInt8>, version: QUICVersion) -> (client: QUICPacketKeys, server: QUICPacketKeys)? {
        guard let (client, server) = secrets(destinationConnectionID: destinationConnectionID, version: version) else { return nil }
        return (
            QUICPacketKeys(secret: client, cipher: .aesGCM, keyLength: 16, hash: .sha256, version: version),
            QUICPacketKeys(secret: server, cipher: .aesGCM, keyLength: 16, hash: .sha256, version: version)
        )
    }
}
