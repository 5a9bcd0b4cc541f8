/// A cipher suite number from the IANA TLS Cipher Suites registry (RFC 8446 §B.4, RFC 5246 §A.5).
///
/// Unknown values (GREASE, private use) survive as their raw number and print as hex.
public struct TLSCipherSuite: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The two-byte wire value.
    public var rawValue: UInt16

    /// The suite with wire value `rawValue`.
    @inlinable
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// TLS 1.3 AES-128-GCM with SHA-256 (RFC 8446 §B.4).
    public static let tlsAES128GCMSHA256 = TLSCipherSuite(rawValue: 0x1301)
    /// TLS 1.3 AES-256-GCM with SHA-384 (RFC 8446 §B.4).
    public static let tlsAES256GCMSHA384 = TLSCipherSuite(rawValue: 0x1302)
    /// TLS 1.3 ChaCha20-Poly1305 with SHA-256 (RFC 8446 §B.4).
    public static let tlsChaCha20Poly1305SHA256 = TLSCipherSuite(rawValue: 0x1303)
    /// TLS 1.2 ECDHE-RSA with AES-128-GCM (RFC 5289).
    public static let ecdheRSAWithAES128GCMSHA256 = TLSCipherSuite(rawValue: 0xC02F)
    /// TLS 1.2 ECDHE-RSA with AES-256-GCM and the SHA-384 PRF (RFC 5289).
    public static let ecdheRSAWithAES256GCMSHA384 = TLSCipherSuite(rawValue: 0xC030)
    /// TLS 1.2 ECDHE-ECDSA with AES-128-GCM (RFC 5289).
    public static let ecdheECDSAWithAES128GCMSHA256 = TLSCipherSuite(rawValue: 0xC02B)
    /// TLS 1.2 ECDHE-ECDSA with AES-256-GCM and the SHA-384 PRF (RFC 5289).
    public static let ecdheECDSAWithAES256GCMSHA384 = TLSCipherSuite(rawValue: 0xC02C)
    /// TLS 1.2 ECDHE-RSA with ChaCha20-Poly1305 (RFC 7905).
    public static let ecdheRSAWithChaCha20Poly1305SHA256 = TLSCipherSuite(rawValue: 0xCCA8)
    /// TLS 1.2 ECDHE-ECDSA with ChaCha20-Poly1305 (RFC 7905).
    public static let ecdheECDSAWithChaCha20Poly1305SHA256 = TLSCipherSuite(rawValue: 0xCCA9)
    /// RSA key exchange with AES-128-CBC and HMAC-SHA1 (RFC 5246 §A.5).
    public static let rsaWithAES128CBCSHA = TLSCipherSuite(rawValue: 0x002F)
    /// RSA key exchange with AES-256-CBC and HMAC-SHA1 (RFC 5246 §A.5).
    public static let rsaWithAES256CBCSHA = TLSCipherSuite(rawValue: 0x0035)
    /// RSA key exchange with AES-128-CBC and HMAC-SHA256 (RFC 5246 §A.5).
    public static let rsaWithAES128CBCSHA256 = TLSCipherSuite(rawValue: 0x003C)
    /// RSA key exchange with AES-256-CBC and HMAC-SHA256 (RFC 5246 §A.5).
    public static let rsaWithAES256CBCSHA256 = TLSCipherSuite(rawValue: 0x003D)
    /// RSA key exchange with AES-128-GCM (RFC 5288).
    public static let rsaWithAES128GCMSHA256 = TLSCipherSuite(rawValue: 0x009C)
    /// RSA key exchange with AES-256-GCM and the SHA-384 PRF (RFC 5288).
    public static let rsaWithAES256GCMSHA384 = TLSCipherSuite(rawValue: 0x009D)
    /// ECDHE-RSA with AES-256-CBC, HMAC-SHA384 and the SHA-384 PRF (RFC 5289).
    public static let ecdheRSAWithAES256CBCSHA384 = TLSCipherSuite(rawValue: 0xC028)

    /// The IANA name (`TLS_AES_128_GCM_SHA256`, `TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`), or nil for a
    /// value not in hark's copy of the registry.
    public var name: String? { TLSCipherSuite.registry[rawValue] }

    /// The IANA name, or the hex value (`0xC0FF`) for a suite hark does not know.
    public var description: String { name ?? hex4(rawValue) }

    /// Whether hark can decrypt records protected with this suite (given the secrets).
    public var isDecryptable: Bool { parameters != nil }
}
