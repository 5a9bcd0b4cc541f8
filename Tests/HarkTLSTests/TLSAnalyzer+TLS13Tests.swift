import HarkCore
import Testing

@testable import HarkTLS

@Test(arguments: [TLSCipherSuite.tlsAES128GCMSHA256, .tlsAES256GCMSHA384, .tlsChaCha20Poly1305SHA256])
func decryptsEveryTLS13SuiteAcrossKeyUpdates(suite: TLSCipherSuite) throws {
    let conversation = TLS13Conversation(suite: suite)
    let script = try conversation.script()
    for split in Split.allCases {
        let transcript = run(script, keyLog: conversation.keyLog, split: split)
        #expect(transcript.diagnostics.isEmpty, "\(split): \(transcript.diagnostics)")
        #expect(transcript.plaintext(.clientToServer) == conversation.request, "\(split)")
        #expect(transcript.plaintext(.serverToClient) == conversation.response, "\(split)")
        #expect(transcript.closed == [.clientToServer, .serverToClient])
        let info = try #require(transcript.completions.first)
        #expect(info.version == .tls13 && info.cipherSuite == suite)
        #expect(info.alpn == "h2" && info.offeredALPN == ["h2", "http/1.1"] && info.serverName == "h2.dev")
        #expect(!info.helloRetry && !info.resumed)
        #expect(info.decryption == .decrypted)
    }
}

@Test func followsAHelloRetryRequestAndAResumption() throws {
    let conversation = TLS13Conversation(suite: .tlsAES128GCMSHA256, helloRetry: true, resumed: true)
    let transcript = run(try conversation.script(), keyLog: conversation.keyLog, split: .random)
    #expect(transcript.diagnostics.isEmpty, "\(transcript.diagnostics)")
    #expect(transcript.session.helloRetry && transcript.session.resumed)
    #expect(transcript.plaintext(.serverToClient) == conversation.response)
}

@Test func withoutKeysTheServerDataIsEstimated() throws {
    let conversation = TLS13Conversation(suite: .tlsAES128GCMSHA256, keyUpdates: false)
    let transcript = run(try conversation.script(), keyLog: TLSKeyLog())
    #expect(transcript.session.decryption == .noKeys)
    #expect(transcript.session.alpn == nil)
    // Without keys, the client's Finished ends the handshake; later records count as data: the request
    // (its padding counted too) and the alert.
    #expect(transcript.gapBytes(.clientToServer) == conversation.request.count + 5 + 2)
    // The server's ticket (a 20-byte message) and alert are counted with the response.
    #expect(transcript.gapBytes(.serverToClient) == conversation.response.count + 20 + 2)
}

@Test func decryptsZeroRTTDataWhenItsSecretIsLogged() throws {
    let early = Array("GET /early HTTP/1.1\r\n\r\n".utf8)
    let conversation = TLS13Conversation(suite: .tlsAES256GCMSHA384, keyUpdates: false, earlyData: early)
    let transcript = run(try conversation.script(), keyLog: conversation.keyLog, split: .random)
    #expect(transcript.diagnostics.isEmpty, "\(transcript.diagnostics)")
    #expect(transcript.plaintext(.clientToServer) == early + conversation.request)
    #expect(transcript.plaintext(.serverToClient) == conversation.response)
}

@Test func countsZeroRTTDataWithoutItsSecret() throws {
    let early = Array("GET /early HTTP/1.1\r\n\r\n".utf8)
    let conversation = TLS13Conversation(
        suite: .tlsAES128GCMSHA256, keyUpdates: false, earlyData: early, logsEarlySecret: false)
    let transcript = run(try conversation.script(), keyLog: conversation.keyLog)
    #expect(transcript.diagnostics.isEmpty, "\(transcript.diagnostics)")
    #expect(transcript.plaintext(.clientToServer) == conversation.request)
    // The early data record and the EndOfEarlyData record (a 4-byte message) are counted.
    #expect(transcript.gapBytes(.clientToServer) == early.count + 4)
}
