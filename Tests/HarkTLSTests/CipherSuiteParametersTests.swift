import Testing

@testable import HarkTLS

@Test func suiteNamesAndUnknownValues() {
    #expect(TLSCipherSuite.tlsAES128GCMSHA256.description == "TLS_AES_128_GCM_SHA256")
    #expect(TLSCipherSuite(rawValue: 0xC030).description == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
    #expect(TLSCipherSuite(rawValue: 0xC0FF).description == "0xC0FF")
    #expect(TLSCipherSuite(rawValue: 0x0A0A).name == nil)
}

@Test func parametersFollowTheSuiteName() throws {
    let gcm = try #require(TLSCipherSuite(rawValue: 0xC030).parameters)
    #expect(gcm.bulk == .aesGCM && gcm.keyLength == 32 && gcm.hash == .sha384 && gcm.mac == nil && !gcm.isTLS13)
    let chacha = try #require(TLSCipherSuite(rawValue: 0xCCA8).parameters)
    #expect(chacha.bulk == .chaCha20Poly1305 && chacha.keyLength == 32 && chacha.hash == .sha256)
    let cbcSHA1 = try #require(TLSCipherSuite(rawValue: 0xC013).parameters)
    #expect(cbcSHA1.bulk == .aesCBC && cbcSHA1.keyLength == 16 && cbcSHA1.mac == .sha1 && cbcSHA1.hash == .sha256)
    let cbcSHA384 = try #require(TLSCipherSuite(rawValue: 0xC028).parameters)
    #expect(cbcSHA384.mac == .sha384 && cbcSHA384.hash == .sha384)
    let tls13 = try #require(TLSCipherSuite(rawValue: 0x1302).parameters)
    #expect(tls13.isTLS13 && tls13.keyLength == 32 && tls13.hash == .sha384)
    let psk = try #require(TLSCipherSuite(rawValue: 0xD001).parameters)
    #expect(psk.bulk == .aesGCM && psk.keyLength == 16)
    for unsupported: UInt16 in [0x000A, 0x0005, 0x1304, 0x1305, 0xC09C, 0x003B, 0xC0FF] {
        #expect(TLSCipherSuite(rawValue: unsupported).parameters == nil, "\(unsupported)")
    }
}
