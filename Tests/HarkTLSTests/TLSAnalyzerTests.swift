import HarkCore
import NIOCore
import Testing

@testable import HarkTLS

/// The RFC 8448 §3 connection as a capture would deliver it, record by record in send order.
private let rfc8448Conversation: [(Direction, [UInt8])] = [
    (.clientToServer, RFC8448.clientHelloRecord),
    (.serverToClient, RFC8448.serverHelloRecord + RFC8448.serverHandshakeProtectedRecord),
    (.clientToServer, RFC8448.clientFinishedRecord),
    (.serverToClient, RFC8448.newSessionTicketRecord),
    (.clientToServer, RFC8448.clientApplicationDataRecord),
    (.serverToClient, RFC8448.serverApplicationDataRecord),
    (.clientToServer, RFC8448.clientAlertRecord),
    (.serverToClient, RFC8448.serverAlertRecord),
]

/// A key log with the RFC 8448 §3 secrets under its ClientHello's random.
private func rfc8448KeyLog(dropping label: String? = nil) -> TLSKeyLog {
    let random = hexString(RFC8448.clientHelloRecord[11..<43])
    let lines = [
        ("CLIENT_HANDSHAKE_TRAFFIC_SECRET", RFC8448.clientHandshakeTrafficSecret),
        ("SERVER_HANDSHAKE_TRAFFIC_SECRET", RFC8448.serverHandshakeTrafficSecret),
        ("CLIENT_TRAFFIC_SECRET_0", RFC8448.clientTrafficSecret0),
        ("SERVER_TRAFFIC_SECRET_0", RFC8448.serverTrafficSecret0),
    ].filter { $0.0 != label }.map { "\($0.0) \(random) \(hexString($0.1))\n" }.joined()
    let keyLog = TLSKeyLog()
    keyLog.add(Array(lines.utf8), source: "rfc8448.keys")
    return keyLog
}

@Test(arguments: Split.allCases)
func decryptsTheRFC8448Connection(split: Split) throws {
    let transcript = run(rfc8448Conversation, keyLog: rfc8448KeyLog(), split: split)
    #expect(transcript.diagnostics.isEmpty, "\(transcript.diagnostics)")
    #expect(transcript.plaintext(.clientToServer) == RFC8448.applicationDataPayload)
    #expect(transcript.plaintext(.serverToClient) == RFC8448.applicationDataPayload)
    #expect(transcript.closed == [.clientToServer, .serverToClient])
    let info = try #require(transcript.completions.first)
    #expect(transcript.completions.count == 1)
    #expect(info.version == .tls13)
    #expect(info.cipherSuite == .tlsAES128GCMSHA256)
    #expect(info.serverName == "server")
    #expect(info.decryption == .decrypted)
    #expect(info.clientRandom?.bytes == Array(RFC8448.clientHelloRecord[11..<43]))
    #expect(info.alpn == nil && info.offeredALPN.isEmpty && !info.resumed && !info.helloRetry)
    #expect(info.clientHelloTime != nil && info.handshakeCompletedTime != nil)
}

@Test func withoutKeysTheRFC8448ConnectionIsCountedNotDecrypted() throws {
    let transcript = run(rfc8448Conversation, keyLog: TLSKeyLog())
    #expect(transcript.diagnostics.isEmpty, "an empty key log is not worth a diagnostic per connection")
    #expect(transcript.plaintext(.clientToServer).isEmpty)
    let info = try #require(transcript.completions.first)
    #expect(info.decryption == .noKeys)
    #expect(info.serverName == "server" && info.version == .tls13)
    // The client's application data (50 bytes) and close_notify alert are counted; so are the server's
    // ticket, data and alert, which without keys look alike.
    #expect(transcript.gapBytes(.clientToServer) == 50 + 2)
    #expect(transcript.gapBytes(.serverToClient) == 205 + 50 + 2)
}

@Test func aKeyLogWithOtherSessionsReportsTheMissingKeyOnce() {
    let keyLog = TLSKeyLog()
    keyLog.add(
        Array("CLIENT_RANDOM \(String(repeating: "ab", count: 32)) \(String(repeating: "cd", count: 48))\n".utf8),
        source: "k")
    let transcript = run(rfc8448Conversation, keyLog: keyLog)
    #expect(
        transcript.diagnostics.map(\.kind) == [
            .noKeys(clientRandom: TLSRandom(bytes: RFC8448.clientHelloRecord[11..<43])!)
        ])
    #expect(transcript.session.decryption == .noKeys)
}

@Test func aWrongSecretFailsAuthenticationOnceAndCountsTheRest() throws {
    let keyLog = rfc8448KeyLog(dropping: "SERVER_HANDSHAKE_TRAFFIC_SECRET")
    let random = hexString(RFC8448.clientHelloRecord[11..<43])
    var wrong = RFC8448.serverHandshakeTrafficSecret
    wrong[0] ^= 0xFF
    keyLog.add(Array("SERVER_HANDSHAKE_TRAFFIC_SECRET \(random) \(hexString(wrong))\n".utf8), source: "k")
    let transcript = run(rfc8448Conversation, keyLog: keyLog)
    let failures = transcript.diagnostics.filter { $0.kind == .authenticationFailed }
    #expect(failures.count == 1)
    #expect(failures.first?.direction == .serverToClient)
    #expect(failures.first?.recordNumber == 2)
    #expect(failures.first?.description.contains("record 2 in server→client") == true)
    #expect(transcript.session.decryption == .failed(.authenticationFailed(.serverToClient)))
    // The client direction still decrypts with its own (right) secrets.
    #expect(transcript.plaintext(.clientToServer) == RFC8448.applicationDataPayload)
    #expect(transcript.plaintext(.serverToClient).isEmpty)
    #expect(transcript.gapBytes(.serverToClient) > 0)
}

@Test func keysAddedAfterTheClientHelloAreFound() {
    // A pcapng Decryption Secrets Block may come after the ClientHello: secrets are looked up when the
    // ServerHello needs them.
    let keyLog = TLSKeyLog()
    var analyzer = TLSAnalyzer(keyLog: keyLog)
    var transcript = Transcript()
    analyzer.receive(ByteBuffer(bytes: RFC8448.clientHelloRecord), from: .clientToServer, at: Timestamp(nanoseconds: 1))
    {
        transcript.events.append($0)
    }
    let full = rfc8448KeyLog()
    let random = TLSRandom(bytes: RFC8448.clientHelloRecord[11..<43])!
    let secrets = full.secrets(clientRandom: random)!
    let text = [
        ("CLIENT_HANDSHAKE_TRAFFIC_SECRET", secrets.clientHandshakeTrafficSecret!),
        ("SERVER_HANDSHAKE_TRAFFIC_SECRET", secrets.serverHandshakeTrafficSecret!),
        ("CLIENT_TRAFFIC_SECRET_0", secrets.clientTrafficSecret0!),
        ("SERVER_TRAFFIC_SECRET_0", secrets.serverTrafficSecret0!),
    ].map { "\($0.0) \(random) \(hexString($0.1))" }.joined(separator: "\n")
    keyLog.add(Array(text.utf8), source: "dsb")
    for (direction, bytes) in rfc8448Conversation.dropFirst() {
        analyzer.receive(ByteBuffer(bytes: bytes), from: direction, at: Timestamp(nanoseconds: 2)) {
            transcript.events.append($0)
        }
    }
    #expect(transcript.plaintext(.serverToClient) == RFC8448.applicationDataPayload)
    #expect(analyzer.session.decryption == .decrypted)
}

@Test func aMissingApplicationSecretStopsDecryptionAfterTheHandshake() throws {
    let transcript = run(rfc8448Conversation, keyLog: rfc8448KeyLog(dropping: "SERVER_TRAFFIC_SECRET_0"))
    let random = try #require(TLSRandom(bytes: RFC8448.clientHelloRecord[11..<43]))
    #expect(transcript.diagnostics.map(\.kind) == [.noKeys(clientRandom: random)])
    #expect(transcript.diagnostics.first?.direction == .serverToClient)
    #expect(transcript.session.decryption == .noKeys)
    #expect(transcript.plaintext(.clientToServer) == RFC8448.applicationDataPayload)
    #expect(transcript.plaintext(.serverToClient).isEmpty)
    // The ticket, the data and the alert, less 17 bytes of overhead each.
    #expect(transcript.gapBytes(.serverToClient) == 205 + 50 + 2)
}
