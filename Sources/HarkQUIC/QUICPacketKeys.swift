import Crypto
import HarkTLS

/// One direction's packet protection for one key phase (RFC 9001 §5): the AEAD key and IV that protect
/// payloads, and the header protection key. A class: every packet uses it, and a reference is one
/// retain where a copy of its fields is six.
final class QUICPacketKeys {
    /// The AEAD and header protection algorithm pair of a TLS 1.3 cipher suite.
    enum Cipher: Equatable {
        /// AEAD_AES_128_GCM / AEAD_AES_256_GCM with AES-ECB header protection.
        case aesGCM
        /// AEAD_CHACHA20_POLY1305 with ChaCha20 header protection.
        case chaCha20Poly1305
    }

    let cipher: Cipher
    let hash: HashAlgorithm
    let version: QUICVersion
    /// The secret these keys come from, for the next key phase.
    let secret: [UInt8]
    let key: SymmetricKey
    let iv: [UInt8]
    /// `iv` as a nonce for packet number 0, ready to be XORed with each packet's number.
    let nonceBase: QUICNonce
    let headerProtectionKey: SymmetricKey
    /// The AEAD set up for `key`; nil when BoringSSL refused it (then nothing opens).
    let aead: QUICAEADContext?
    /// The header protection cipher set up for `headerProtectionKey`, shared by every key phase.
    let headerProtection: QUICHeaderProtectionContext?

    /// Keys from a traffic secret (RFC 9001 §5.1): `quic key`, `quic iv`, `quic hp` (`quicv2 …` in v2).
    convenience init(secret: [UInt8], cipher: Cipher, keyLength: Int, hash: HashAlgorithm, version: QUICVersion) {
        self.init(secret: secret, cipher: cipher, keyLength: keyLength, hash: hash, version: version, headerProtection: nil)
    }

    private init(
        secret: [UInt8], cipher: Cipher, keyLength: Int, hash: HashAlgorithm, version: QUICVersion,
        headerProtection previous: (key: SymmetricKey, context: QUICHeaderProtectionContext?)?
    ) {
        let prefix = version.labelPrefix
        self.cipher = cipher
        self.hash = hash
        self.version = version
        self.secret = secret
        let keyBytes = TLS13KeySchedule.expandLabel(hash, secret: secret, label: "\(prefix) key", length: keyLength)
        key = SymmetricKey(data: keyBytes)
        aead = QUICAEADContext(cipher: cipher, key: keyBytes)
        iv = TLS13KeySchedule.expandLabel(hash, secret: secret, label: "\(prefix) iv", length: 12)
        nonceBase = QUICNonce(iv: iv, packetNumber: 0)
        if let previous {
            headerProtectionKey = previous.key
            headerProtection = previous.context
        } else {
            let hpBytes = TLS13KeySchedule.expandLabel(hash, secret: secret, label: "\(prefix) hp", length: keyLength)
            headerProtectionKey = SymmetricKey(data: hpBytes)
            headerProtection = QUICHeaderProtectionContext(cipher: cipher, key: hpBytes)
        }
    }

    /// Keys for a negotiated TLS cipher suite; nil for a suite QUIC cannot use or hark cannot decrypt.
    convenience init?(secret: [UInt8], suite: TLSCipherSuite, version: QUICVersion) {
        guard let parameters = suite.parameters else { return nil }
        let cipher: Cipher
        switch parameters.bulk {
        case .aesGCM: cipher = .aesGCM
        case .chaCha20Poly1305: cipher = .chaCha20Poly1305
        case .aesCBC: return nil
        }
        guard secret.count == parameters.hash.byteCount else { return nil }
        self.init(secret: secret, cipher: cipher, keyLength: parameters.keyLength, hash: parameters.hash, version: version)
    }

    /// The keys of the next key phase (RFC 9001 §6.1): a new secret by `quic ku`; the header protection
    /// key does not change.
    func next() -> QUICPacketKeys {
        let nextSecret = TLS13KeySchedule.expandLabel(hash, secret: secret, label: "\(version.labelPrefix) ku", length: hash.byteCount)
        return QUICPacketKeys(
            secret: nextSecret, cipher: cipher, keyLength: key.bitCount / 8, hash: hash, version: version,
            headerProtection: (headerProtectionKey, headerProtection))
    }
}
