import HarkCore
import Testing

@testable import HarkTLS

/// Every TLS 1.2 record protection family: AES-GCM (both key sizes, both PRF hashes), ChaCha20-Poly1305,
/// and AES-CBC with HMAC-SHA1/SHA256/SHA384, MAC-then-encrypt and encrypt-then-MAC.
private let families: [(suite: UInt16, encryptThenMAC: Bool)] = [
    (0xC02F, false), (0xC030, false), (0x009C, false), (0xCCA8, false), (0xCCA9, false),
    (0xC013, false), (0xC013, true), (0x003D, false), (0x003D, true), (0xC028, false), (0xC028, true),
]

@Test(arguments: families)
func decryptsEveryTLS12RecordProtection(suite: UInt16, encryptThenMAC: Bool) throws {
    let conversation = TLS12Conversation(suite: TLSCipherSuite(rawValue: suite), encryptThenMAC: encryptThenMAC)
    let script = try conversation.script()
    for split in Split.allCases {
        let transcript = run(script, keyLog: conversation.keyLog, split: split)
        #expect(transcript.diagnostics.isEmpty, "\(split): \(transcript.diagnostics)")
        #expect(transcript.plaintext(.clientToServer) == conversation.request, "\(split)")
        #expect(transcript.plaintext(.serverToClient) == conversation.response, "\(split)")
        #expect(transcript.gapBytes(.clientToServer) == 0 && transcript.gapBytes(.serverToClient) == 0)
        #expect(transcript.closed == [.clientToServer, .serverToClient])
        let info = try #require(transcript.completions.first, "\(split)")
        #expect(transcript.completions.count == 1)
        #expect(info.version == .tls12)
        #expect(info.cipherSuite?.rawValue == suite)
        #expect(info.serverName == "example.com")
        #expect(info.offeredALPN == ["h2", "http/1.1"])
        #expect(info.alpn == "http/1.1")
        #expect(info.extendedMasterSecret)
        #expect(info.encryptThenMAC == encryptThenMAC)
        #expect(!info.resumed)
        #expect(info.decryption == .decrypted)
    }
}

@Test(arguments: [TLSVersion.tls10, .tls11])
func decryptsOlderVersionsWithCBC(version: TLSVersion) throws {
    let conversation = TLS12Conversation(suite: TLSCipherSuite(rawValue: 0x002F), version: version)
    let script = try conversation.script()
    let transcript = run(script, keyLog: conversation.keyLog, split: .random)
    #expect(transcript.diagnostics.isEmpty, "\(transcript.diagnostics)")
    #expect(transcript.plaintext(.clientToServer) == conversation.request)
    #expect(transcript.plaintext(.serverToClient) == conversation.response)
    #expect(transcript.session.version == version)
}

@Test func followsAnAbbreviatedHandshake() throws {
    let conversation = TLS12Conversation(suite: .ecdheRSAWithAES128GCMSHA256, resumed: true)
    let transcript = run(try conversation.script(), keyLog: conversation.keyLog, split: .random)
    #expect(transcript.diagnostics.isEmpty, "\(transcript.diagnostics)")
    #expect(transcript.session.resumed)
    #expect(transcript.plaintext(.serverToClient) == conversation.response)
}

@Test func aCBCRecordWithAWrongMACFailsAuthentication() throws {
    let conversation = TLS12Conversation(suite: TLSCipherSuite(rawValue: 0xC013))
    var keyLog = conversation
    keyLog.masterSecret[47] ^= 1
    let transcript = run(try conversation.script(), keyLog: keyLog.keyLog)
    #expect(transcript.diagnostics.filter { $0.kind == .authenticationFailed }.count == 1)
    #expect(transcript.plaintext(.clientToServer).isEmpty)
    // The estimate subtracts the explicit IV, the 20-byte MAC and one padding byte per record.
    #expect(transcript.gapBytes(.serverToClient) > conversation.response.count - 200)
}
