internal import CCryptoBoringSSL
import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials  // Data, which swift-crypto's API takes and returns
#else
    import Foundation
#endif

/// The TLS 1.0–1.2 pseudorandom function (RFC 5246 §5, RFC 2246 §5).
enum TLSPRF {
    /// `PRF(secret, label, seed)` truncated to `count` bytes: P_SHA256 or P_SHA384 for TLS 1.2, the
    /// P_MD5 ⊕ P_SHA1 construction for TLS 1.0 and 1.1.
    static func derive(
        version: TLSVersion,
        hash: HashAlgorithm,
        secret: [UInt8],
        label: String,
        seed: [UInt8],
        count: Int
    ) -> [UInt8] {
        let labelAndSeed = Array(label.utf8) + seed
        guard version < .tls12 else {
            switch hash {
            case .sha384: return pHash(SHA384.self, secret: secret, seed: labelAndSeed, count: count)
            case .sha1, .sha256: return pHash(SHA256.self, secret: secret, seed: labelAndSeed, count: count)
            }
        }
        // RFC 2246 §5: S1 and S2 are the two halves of the secret, sharing the middle byte if its length is odd.
        let half = (secret.count + 1) / 2
        let md5 = pHash(Insecure.MD5.self, secret: Array(secret.prefix(half)), seed: labelAndSeed, count: count)
        let sha1 = pHash(Insecure.SHA1.self, secret: Array(secret.suffix(half)), seed: labelAndSeed, count: count)
        return zip(md5, sha1).map { $0 ^ $1 }
    }

    /// `P_hash(secret, seed)` (RFC 5246 §5): HMAC(secret, A(i) + seed) for A(0) = seed,
    /// A(i) = HMAC(secret, A(i-1)), concatenated and truncated.
    static func pHash<H: HashFunction>(_: H.Type, secret: [UInt8], seed: [UInt8], count: Int) -> [UInt8] {
        let key = SymmetricKey(data: secret)
        var output: [UInt8] = []
        output.reserveCapacity(count + H.Digest.byteCount)
        var a = Array(HMAC<H>.authenticationCode(for: seed, using: key))
        while output.count < count {
            var block = HMAC<H>(key: key)
            block.update(data: a)
            block.update(data: seed)
            output += Array(block.finalize())
            a = Array(HMAC<H>.authenticationCode(for: a, using: key))
        }
        return Array(output.prefix(count))
    }
}

/// The TLS 1.3 key schedule functions hark needs given logged traffic secrets (RFC 8446 §7.1, §7.3).
package enum TLS13KeySchedule {
    /// `HKDF-Expand-Label(secret, label, context, length)` with the `tls13 ` label prefix.
    package static func expandLabel(
        _ hash: HashAlgorithm,
        secret: [UInt8],
        label: String,
        context: [UInt8] = [],
        length: Int
    ) -> [UInt8] {
        let fullLabel = Array("tls13 \(label)".utf8)
        // struct { uint16 length; opaque label<7..255>; opaque context<0..255>; } HkdfLabel;
        var info: [UInt8] = [UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
        info.append(UInt8(truncatingIfNeeded: fullLabel.count))
        info += fullLabel
        info.append(UInt8(truncatingIfNeeded: context.count))
        info += context
        // BoringSSL's HKDF (the one swift-crypto is built on) directly: swift-crypto's generic HKDF costs
        // several times as many instructions, and a QUIC key update or a TLS session derives several keys.
        let digest = hash == .sha384 ? CCryptoBoringSSL_EVP_sha384() : CCryptoBoringSSL_EVP_sha256()
        var output = [UInt8](repeating: 0, count: length)
        let status = output.withUnsafeMutableBufferPointer { out in
            secret.withUnsafeBufferPointer { prk in
                info.withUnsafeBufferPointer { info in
                    CCryptoBoringSSL_HKDF_expand(out.baseAddress, out.count, digest, prk.baseAddress, prk.count, info.baseAddress, info.count)
                }
            }
        }
        // It fails only for an output longer than 255 hash lengths, which no caller asks for.
        return status == 1 ? output : []
    }

    /// The write key and IV of a traffic secret (RFC 8446 §7.3).
    static func trafficKeys(_ parameters: CipherSuiteParameters, secret: [UInt8]) -> (key: [UInt8], iv: [UInt8]) {
        (
            expandLabel(parameters.hash, secret: secret, label: "key", length: parameters.keyLength),
            expandLabel(parameters.hash, secret: secret, label: "iv", length: 12)
        )
    }

    /// The next application traffic secret after a KeyUpdate (RFC 8446 §7.2).
    package static func nextTrafficSecret(_ hash: HashAlgorithm, after secret: [UInt8]) -> [UInt8] {
        expandLabel(hash, secret: secret, label: "traffic upd", length: hash.byteCount)
    }
}

/// One direction's TLS 1.0–1.2 write keys, cut from the key block.
struct TLS12DirectionKeys: Equatable {
    var macKey: [UInt8]
    var key: [UInt8]
    var iv: [UInt8]
}

extension TLSPRF {
    /// Both directions' keys from the master secret (RFC 5246 §6.3): the key block is
    /// `PRF(master_secret, "key expansion", server_random + client_random)` cut into client MAC key,
    /// server MAC key, client key, server key, client IV, server IV. AEAD suites have no MAC key and a
    /// 4-byte (GCM, RFC 5288 §3) or 12-byte (ChaCha20-Poly1305, RFC 7905 §2) implicit IV; CBC suites
    /// take an IV from the block only in TLS 1.0, which chains it across records.
    static func keyBlock(
        _ parameters: CipherSuiteParameters,
        version: TLSVersion,
        masterSecret: [UInt8],
        clientRandom: TLSRandom,
        serverRandom: TLSRandom
    ) -> (client: TLS12DirectionKeys, server: TLS12DirectionKeys) {
        let macLength = parameters.mac?.byteCount ?? 0
        let ivLength: Int
        switch parameters.bulk {
        case .aesGCM: ivLength = 4
        case .chaCha20Poly1305: ivLength = 12
        case .aesCBC: ivLength = version <= .tls10 ? 16 : 0
        }
        let block = derive(
            version: version, hash: parameters.hash, secret: masterSecret, label: "key expansion",
            seed: serverRandom.bytes + clientRandom.bytes, count: 2 * (macLength + parameters.keyLength + ivLength))
        var rest = block[...]
        func take(_ count: Int) -> [UInt8] {
            defer { rest = rest.dropFirst(count) }
            return Array(rest.prefix(count))
        }
        let clientMAC = take(macLength)
        let serverMAC = take(macLength)
        let clientKey = take(parameters.keyLength)
        let serverKey = take(parameters.keyLength)
        let clientIV = take(ivLength)
        let serverIV = take(ivLength)
        return (
            TLS12DirectionKeys(macKey: clientMAC, key: clientKey, iv: clientIV),
            TLS12DirectionKeys(macKey: serverMAC, key: serverKey, iv: serverIV)
        )
    }
}
