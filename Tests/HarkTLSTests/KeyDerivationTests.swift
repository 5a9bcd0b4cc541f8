import Testing

@testable import HarkTLS

@Test func tls13TrafficKeysMatchRFC8448() throws {
    let parameters = try #require(TLSCipherSuite.tlsAES128GCMSHA256.parameters)
    let cases: [(secret: [UInt8], key: [UInt8], iv: [UInt8])] = [
        (RFC8448.serverHandshakeTrafficSecret, RFC8448.serverHandshakeKey, RFC8448.serverHandshakeIV),
        (RFC8448.clientHandshakeTrafficSecret, RFC8448.clientHandshakeKey, RFC8448.clientHandshakeIV),
        (RFC8448.serverTrafficSecret0, RFC8448.serverApplicationKey, RFC8448.serverApplicationIV),
        (RFC8448.clientTrafficSecret0, RFC8448.clientApplicationKey, RFC8448.clientApplicationIV),
    ]
    for (secret, key, iv) in cases {
        let derived = TLS13KeySchedule.trafficKeys(parameters, secret: secret)
        #expect(derived.key == key)
        #expect(derived.iv == iv)
    }
}

@Test func hkdfExpandLabelBuildsTheRFC8446Label() {
    // RFC 8448 §3 shows the HkdfLabel it expands for "key": length 16, "tls13 key", empty context.
    // Expanding with SHA-256 over the server handshake secret gives the published key.
    let key = TLS13KeySchedule.expandLabel(
        .sha256, secret: RFC8448.serverHandshakeTrafficSecret, label: "key", length: 16)
    #expect(key == RFC8448.serverHandshakeKey)
}

@Test func keyUpdateDerivesADifferentSecretOfTheSameLength() {
    let next = TLS13KeySchedule.nextTrafficSecret(.sha256, after: RFC8448.clientTrafficSecret0)
    #expect(next.count == 32)
    #expect(next != RFC8448.clientTrafficSecret0)
    #expect(TLS13KeySchedule.nextTrafficSecret(.sha256, after: RFC8448.clientTrafficSecret0) == next)
}

@Test func tls12PRFMatchesThePublishedSHA256Vector() {
    // The P_SHA256 vector posted to the IETF TLS list (secret, seed, label "test label", 100 bytes);
    // `openssl kdf -keylen 100 -kdfopt digest:SHA256 -kdfopt hexsecret:9bbe…db35
    //  -kdfopt hexseed:<"test label" hex>a0ba…198c TLS1-PRF` prints the same bytes.
    let output = TLSPRF.derive(
        version: .tls12, hash: .sha256, secret: hex("9bbe436ba940f017b17652849a71db35"), label: "test label",
        seed: hex("a0ba9f936cda311827a6f796ffd5198c"), count: 100)
    #expect(
        output
            == hex(
                "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af"
                    + "0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff7"
                    + "0187347b66"))
}

@Test func tls12PRFWithSHA384MatchesOpenSSL() {
    // openssl kdf -keylen 48 -kdfopt digest:SHA384 -kdfopt hexsecret:b80b733d6ceefcdc71566ea48e5567df
    //   -kdfopt hexseed:74657374206c6162656ccd665cf6a8447dd6ff8b27555edb7465 TLS1-PRF   (OpenSSL 3.0.19)
    let output = TLSPRF.derive(
        version: .tls12, hash: .sha384, secret: hex("b80b733d6ceefcdc71566ea48e5567df"), label: "test label",
        seed: hex("cd665cf6a8447dd6ff8b27555edb7465"), count: 48)
    #expect(
        output
            == hex("7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0"))
}

@Test func tls10PRFMatchesOpenSSL() {
    // The same inputs with -kdfopt digest:MD5-SHA1 (the TLS 1.0/1.1 PRF of RFC 2246 §5).
    let output = TLSPRF.derive(
        version: .tls10, hash: .sha256, secret: hex("b80b733d6ceefcdc71566ea48e5567df"), label: "test label",
        seed: hex("cd665cf6a8447dd6ff8b27555edb7465"), count: 48)
    #expect(
        output
            == hex("9289c1c6c85b5bc9cbdeb255e32a9978f38e9decdf0cbef6a0f979168f3b0362da2328160fd5394b40f43410e09f14bd"))
}

@Test func keyBlockIsCutInRFC5246Order() throws {
    let cbc = try #require(TLSCipherSuite.ecdheRSAWithAES256CBCSHA384.parameters)
    let master = [UInt8](repeating: 0x42, count: 48)
    let clientRandom = try #require(TLSRandom(bytes: [UInt8](repeating: 1, count: 32)))
    let serverRandom = try #require(TLSRandom(bytes: [UInt8](repeating: 2, count: 32)))
    let keys = TLSPRF.keyBlock(
        cbc, version: .tls12, masterSecret: master, clientRandom: clientRandom, serverRandom: serverRandom)
    let block = TLSPRF.derive(
        version: .tls12, hash: .sha384, secret: master, label: "key expansion",
        seed: serverRandom.bytes + clientRandom.bytes, count: 2 * (48 + 32))
    #expect(keys.client.macKey == Array(block[0..<48]))
    #expect(keys.server.macKey == Array(block[48..<96]))
    #expect(keys.client.key == Array(block[96..<128]))
    #expect(keys.server.key == Array(block[128..<160]))
    #expect(keys.client.iv.isEmpty)
}
