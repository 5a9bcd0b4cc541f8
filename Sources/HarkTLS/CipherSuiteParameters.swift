/// A hash function used by a suite's key schedule or record MAC.
package enum HashAlgorithm: Hashable, Sendable {
    case sha1
    case sha256
    case sha384

    /// Output length in bytes.
    package var byteCount: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        }
    }
}

/// What decrypting a suite's records takes: the bulk cipher, the record MAC (CBC suites) and the hash of
/// the key schedule (TLS 1.2 PRF, TLS 1.3 HKDF). The key exchange does not matter once the key log gives
/// the secrets, so RSA, (EC)DHE and PSK suites with the same protection share parameters.
package struct CipherSuiteParameters: Hashable, Sendable {
    /// The record protection algorithm.
    package enum Bulk: Hashable, Sendable {
        /// AES-GCM with a 16- or 32-byte key (RFC 5288, RFC 8446 §5.3).
        case aesGCM
        /// ChaCha20-Poly1305 (RFC 7905, RFC 8446 §5.3).
        case chaCha20Poly1305
        /// AES-CBC with an HMAC (RFC 5246 §6.2.3.2).
        case aesCBC
    }

    package var bulk: Bulk
    /// Encryption key length in bytes.
    package var keyLength: Int
    /// The record MAC's hash; nil for AEAD suites.
    var mac: HashAlgorithm?
    /// The hash of the TLS 1.2 PRF or TLS 1.3 HKDF.
    package var hash: HashAlgorithm
    /// Whether this is a TLS 1.3 suite (`TLS_AES_128_GCM_SHA256`, no key exchange in the name).
    var isTLS13: Bool

    /// Reads the parameters from an IANA suite name such as `TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384`;
    /// nil for protection hark does not implement (RC4, 3DES, CCM, NULL).
    package init?(name: String) {
        guard name.hasPrefix("TLS_") else { return nil }
        let isTLS13 = !name.contains("_WITH_")
        let protection = isTLS13 ? name.dropFirst(4) : name.split(separator: "_WITH_").last ?? ""
        guard let lastSeparator = protection.lastIndex(of: "_") else { return nil }
        let bulkName = protection[protection.startIndex..<lastSeparator]
        let hashName = protection[protection.index(after: lastSeparator)...]
        let hash: HashAlgorithm
        switch hashName {
        case "SHA": hash = .sha1
        case "SHA256": hash = .sha256
        case "SHA384": hash = .sha384
        default: return nil
        }
        switch bulkName {
        case "AES_128_GCM": (bulk, keyLength, mac) = (.aesGCM, 16, nil)
        case "AES_256_GCM": (bulk, keyLength, mac) = (.aesGCM, 32, nil)
        case "CHACHA20_POLY1305": (bulk, keyLength, mac) = (.chaCha20Poly1305, 32, nil)
        case "AES_128_CBC" where !isTLS13: (bulk, keyLength, mac) = (.aesCBC, 16, hash)
        case "AES_256_CBC" where !isTLS13: (bulk, keyLength, mac) = (.aesCBC, 32, hash)
        default: return nil
        }
        // RFC 5246 §5: the PRF is SHA-256 unless the suite names a stronger hash; HMAC-SHA1 suites use it.
        self.hash = hash == .sha1 ? .sha256 : hash
        self.isTLS13 = isTLS13
    }
}

extension TLSCipherSuite {
    /// How to decrypt this suite, or nil when hark cannot.
    package var parameters: CipherSuiteParameters? { name.flatMap(CipherSuiteParameters.init(name:)) }
}
