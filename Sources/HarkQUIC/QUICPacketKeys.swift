import Crypto
import HarkTLS
import _CryptoExtras

#if canImport(FoundationEssentials)
    import FoundationEssentials  // Data, which swift-crypto's API takes and returns
#else
    import Foundation
#endif

/// One direction's packet protection for one key phase (RFC 9001 §5): the AEAD key and IV that protect
/// payloads, and the header protection key.
struct QUICPacketKeys {
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
    let headerProtectionKey: SymmetricKey

    /// Keys from a traffic secret (RFC 9001 §5.1): `quic key`, `quic iv`, `quic hp` (`quicv2 …` in v2).
    init(secret: [UInt8], cipher: Cipher, keyLength: Int, hash: HashAlgorithm, version: QUICVersion) {
        self.init(secret: secret, cipher: cipher, keyLength: keyLength, hash: hash, version: version, headerProtectionKey: nil)
    }

    private init(secret: [UInt8], cipher: Cipher, keyLength: Int, hash: HashAlgorithm, version: QUICVersion, headerProtectionKey: SymmetricKey?) {
        let prefix = version.labelPrefix
        self.cipher = cipher
        self.hash = hash
        self.version = version
        self.secret = secret
        key = SymmetricKey(data: TLS13KeySchedule.expandLabel(hash, secret: secret, label: "\(prefix) key", length: keyLength))
        iv = TLS13KeySchedule.expandLabel(hash, secret: secret, label: "\(prefix) iv", length: 12)
        self.headerProtectionKey =
            headerProtectionKey
            ?? SymmetricKey(data: TLS13KeySchedule.expandLabel(hash, secret: secret, label: "\(prefix) hp", length: keyLength))
    }

    /// Keys for a negotiated TLS cipher suite; nil for a suite QUIC cannot use or hark cannot decrypt.
    init?(secret: [UInt8], suite: TLSCipherSuite, version: QUICVersion) {
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
            headerProtectionKey: headerProtectionKey)
    }

    /// The five mask bytes for a 16-byte sample of ciphertext (RFC 9001 §5.4.3, §5.4.4); nil when the
    /// sample is not 16 bytes.
    func headerProtectionMask(sample: ArraySlice<UInt8>) -> [UInt8]? {
        guard sample.count == 16 else { return nil }
        switch cipher {
        case .aesGCM:
            var block = Array(sample)
            guard (try? AES.permute(&block, key: headerProtectionKey)) != nil else { return nil }
            return Array(block.prefix(5))
        case .chaCha20Poly1305:
            // The counter is the sample's first four bytes, little-endian; the nonce the other twelve.
            let counterValue = sample.prefix(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard let counter = try? Insecure.ChaCha20CTR.Counter(offset: counterValue),
                let nonce = try? Insecure.ChaCha20CTR.Nonce(data: sample.dropFirst(4)),
                let mask = try? Insecure.ChaCha20CTR.encrypt([UInt8](repeating: 0, count: 5), using: headerProtectionKey, counter: counter, nonce: nonce)
            else { return nil }
            return Array(mask)
        }
    }

    /// Decrypts and authenticates a payload (RFC 9001 §5.3): the nonce is the IV XORed with the packet
    /// number; the header is the associated data. Nil when it does not authenticate.
    func open(ciphertext: ArraySlice<UInt8>, header: ArraySlice<UInt8>, packetNumber: UInt64) -> [UInt8]? {
        guard ciphertext.count >= 16 else { return nil }
        var nonce = iv
        for index in 0..<8 {
            nonce[4 &+ index] ^= UInt8(truncatingIfNeeded: packetNumber >> UInt64(56 &- 8 &* index))
        }
        let body = ciphertext.dropLast(16)
        let tag = ciphertext.suffix(16)
        do {
            switch cipher {
            case .aesGCM:
                let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: body, tag: tag)
                return Array(try AES.GCM.open(box, using: key, authenticating: header))
            case .chaCha20Poly1305:
                let box = try ChaChaPoly.SealedBox(nonce: ChaChaPoly.Nonce(data: nonce), ciphertext: body, tag: tag)
                return Array(try ChaChaPoly.open(box, using: key, authenticating: header))
            }
        } catch {
            return nil
        }
    }
}
