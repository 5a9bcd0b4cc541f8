import HarkCore
import HarkTestSupport
import NIOCore
import Testing

@testable import HarkTLS

private func kinds(_ transcript: Transcript) -> [TLSDiagnostic.Kind] { transcript.diagnostics.map(\.kind) }

@Test func randomBytesNeverTrapAndStayBounded() {
    var random = SplitMix64(seed: 42)
    let limits = TLSLimits()
    for round in 0..<300 {
        var analyzer = TLSAnalyzer(keyLog: TLSKeyLog(), limits: limits)
        var events = 0
        for _ in 0..<20 {
            let count = Int.random(in: 0...600, using: &random)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            // Half the rounds start with a plausible record header, so framing gets further.
            if round % 2 == 0, bytes.count > 5 {
                bytes[0] = UInt8.random(in: 20...24, using: &random)
                bytes[1] = 3
            }
            let direction: Direction = Bool.random(using: &random) ? .clientToServer : .serverToClient
            analyzer.receive(ByteBuffer(bytes: bytes), from: direction, at: Timestamp(nanoseconds: 1)) { _ in
                events += 1
            }
            if Int.random(in: 0..<10, using: &random) == 0 {
                analyzer.gap(Int.random(in: 1...5000, using: &random), in: direction, at: Timestamp(nanoseconds: 2)) {
                    _ in events += 1
                }
            }
            #expect(analyzer.directions.allSatisfy { $0.framer.carriedBytes <= 5 + limits.maxRecordLength })
        }
        analyzer.finish(.clientToServer, at: Timestamp(nanoseconds: 3)) { _ in events += 1 }
        analyzer.finish(.serverToClient, at: Timestamp(nanoseconds: 3)) { _ in events += 1 }
    }
}

@Test func mutatedConnectionsNeverTrap() throws {
    let conversation = TLS12Conversation(suite: TLSCipherSuite(rawValue: 0xC013), encryptThenMAC: true)
    let script = try conversation.script()
    var random = SplitMix64(seed: 9)
    for _ in 0..<200 {
        var mutated = script
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let chunk = Int.random(in: 0..<mutated.count, using: &random)
            guard !mutated[chunk].1.isEmpty else { continue }
            let index = Int.random(in: 0..<mutated[chunk].1.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: mutated[chunk].1[index] ^= UInt8.random(in: 1...255, using: &random)
            case 1: mutated[chunk].1.removeSubrange(index...)
            default: mutated[chunk].1.insert(contentsOf: [0xFF, 0xFF, 0xFF], at: index)
            }
        }
        let transcript = run(mutated, keyLog: conversation.keyLog, split: .random, seed: random.next())
        // Whatever was damaged, what comes out is a prefix-consistent subset of the real plaintext.
        #expect(transcript.plaintext(.clientToServer).count <= conversation.request.count)
    }
}

@Test func aHugeLengthFieldEndsFramingInThatDirectionOnly() {
    let script: [(Direction, [UInt8])] = [
        (.clientToServer, [0x17, 0x03, 0x03, 0xFF, 0xFF] + [UInt8](repeating: 0xAA, count: 100)),
        (.clientToServer, [UInt8](repeating: 0xBB, count: 50)),
        (.serverToClient, plainRecords(21, [2, 40])),
    ]
    let transcript = run(script, keyLog: TLSKeyLog(), split: .byteByByte)
    #expect(kinds(transcript) == [.recordTooLarge(length: 65_535), .alert(level: 2, description: 40)])
    #expect(
        transcript.diagnostics.first?.description
            == "record 1 in client→server (offset 0): record length 65535 exceeds the limit; rest of this direction not decrypted"
    )
    #expect(transcript.gapBytes(.clientToServer) == 155)
    #expect(transcript.session.decryption == .failed(.framingLost(.clientToServer)))
    #expect(transcript.diagnostics.last?.description.contains("fatal alert handshake_failure (40)") == true)
}

@Test func bytesThatAreNotTLSAreReportedOnce() {
    let transcript = run(
        [(.clientToServer, Array("GET / HTTP/1.1\r\n\r\n".utf8)), (.clientToServer, [1, 2, 3])], keyLog: TLSKeyLog())
    #expect(kinds(transcript) == [.notARecord])
    #expect(transcript.gapBytes(.clientToServer) == 21)
}

@Test func aStreamEndingInsideARecordIsReported() {
    let transcript = run([(.serverToClient, [0x16, 0x03, 0x03, 0x00, 0x40, 1, 2, 3])], keyLog: TLSKeyLog())
    #expect(kinds(transcript) == [.truncatedRecord])
    #expect(transcript.closed == [.clientToServer, .serverToClient])
}

@Test func lyingLengthsInsideAClientHelloAreMalformedNotFatal() {
    // A ClientHello whose extensions block claims more bytes than it has.
    let body: [UInt8] =
        [3, 3] + [UInt8](repeating: 7, count: 32) + [0] + [0, 2, 0x13, 0x01] + [1, 0] + [0x40, 0x00, 0, 0]
    let transcript = run([(.clientToServer, plainRecords(22, handshakeMessage(1, body)))], keyLog: TLSKeyLog())
    #expect(kinds(transcript) == [.malformedHandshake])
    #expect(transcript.session.decryption == .failed(.malformedHandshake))
    #expect(transcript.session.clientRandom == nil)
}

@Test func anEnormousHandshakeMessageIsSkippedNotHeld() {
    // A ClientHello announcing 16 MiB, followed by 100 KB of its body in full-size records.
    let header: [UInt8] = [1, 0xFF, 0xFF, 0xFF]
    let body = [UInt8](repeating: 0x41, count: 100_000)
    let transcript = run([(.clientToServer, plainRecords(22, header + body))], keyLog: TLSKeyLog(), split: .random)
    #expect(kinds(transcript) == [.handshakeMessageTooLarge(length: 0xFF_FFFF)])
}

@Test func aGapInsideOneRecordCostsOnlyThatRecord() throws {
    let conversation = TLS12Conversation(suite: .ecdheRSAWithAES128GCMSHA256)
    let script = try conversation.script()
    let keyLog = conversation.keyLog
    var analyzer = TLSAnalyzer(keyLog: keyLog)
    var transcript = Transcript()
    let response = try #require(script.firstIndex { $0.0 == .serverToClient && $0.1.count > 30_000 })
    for (index, (direction, bytes)) in script.enumerated() {
        if index == response {
            // Lose 1000 bytes in the middle of the first 16 KiB record.
            analyzer.receive(ByteBuffer(bytes: bytes[0..<2000]), from: direction, at: Timestamp(nanoseconds: 1)) {
                transcript.events.append($0)
            }
            analyzer.gap(1000, in: direction, at: Timestamp(nanoseconds: 2)) { transcript.events.append($0) }
            analyzer.receive(ByteBuffer(bytes: bytes[3000...]), from: direction, at: Timestamp(nanoseconds: 3)) {
                transcript.events.append($0)
            }
        } else {
            analyzer.receive(ByteBuffer(bytes: bytes), from: direction, at: Timestamp(nanoseconds: 1)) {
                transcript.events.append($0)
            }
        }
    }
    #expect(kinds(transcript) == [.gapInRecord])
    // Records 1-5 carry the server's first flight, 6 the ticket, 7 ChangeCipherSpec, 8 Finished.
    #expect(transcript.diagnostics.first?.recordNumber == 9)
    // The lost record's 16 384 bytes are reported as a gap; the records after it still decrypt.
    #expect(transcript.gapBytes(.serverToClient) == 16_384)
    #expect(transcript.plaintext(.serverToClient) == Array(conversation.response[16_384...]))
    #expect(analyzer.session.decryption == .decrypted)
}

@Test func aGapAcrossRecordsEndsFramingAndCountsTheRest() throws {
    let conversation = TLS12Conversation(suite: .ecdheRSAWithAES128GCMSHA256)
    let script = try conversation.script()
    var analyzer = TLSAnalyzer(keyLog: conversation.keyLog)
    var transcript = Transcript()
    let response = try #require(script.firstIndex { $0.0 == .serverToClient && $0.1.count > 30_000 })
    for (index, (direction, bytes)) in script.enumerated() {
        if index == response {
            analyzer.receive(ByteBuffer(bytes: bytes[0..<2000]), from: direction, at: Timestamp(nanoseconds: 1)) {
                transcript.events.append($0)
            }
            analyzer.gap(20_000, in: direction, at: Timestamp(nanoseconds: 2)) { transcript.events.append($0) }
            analyzer.receive(ByteBuffer(bytes: bytes[22_000...]), from: direction, at: Timestamp(nanoseconds: 3)) {
                transcript.events.append($0)
            }
        } else {
            analyzer.receive(ByteBuffer(bytes: bytes), from: direction, at: Timestamp(nanoseconds: 1)) {
                transcript.events.append($0)
            }
        }
    }
    #expect(kinds(transcript) == [.gapLostFraming])
    #expect(transcript.plaintext(.serverToClient).isEmpty)
    // Everything from the damaged record on is counted raw: its 2000 held bytes, the gap, the rest.
    #expect(transcript.gapBytes(.serverToClient) == script[response].1.count + script.last!.1.count)
    #expect(transcript.plaintext(.clientToServer) == conversation.request)
}

@Test func encryptedRecordsWithoutAHandshakeAreCounted() {
    let records =
        plainRecords(23, [UInt8](repeating: 0x55, count: 100)) + plainRecords(23, [UInt8](repeating: 0x56, count: 60))
    let transcript = run([(.clientToServer, records), (.serverToClient, records)], keyLog: TLSKeyLog())
    #expect(kinds(transcript) == [.handshakeNotSeen])
    #expect(transcript.completions.first?.decryption == .failed(.handshakeNotSeen))
    #expect(transcript.gapBytes(.clientToServer) == 160 && transcript.gapBytes(.serverToClient) == 160)
}

@Test func anSSLv2HelloIsSkipped() {
    // An SSL 2.0-compatible ClientHello (RFC 5246 §E.2) with a 16-byte challenge, then a TLS alert.
    let hello: [UInt8] =
        [0x80, 0x1C, 0x01, 0x03, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x2F]
        + [UInt8](repeating: 9, count: 16)
    let transcript = run(
        [(.clientToServer, hello + plainRecords(21, [1, 0]))], keyLog: TLSKeyLog(), split: .byteByByte)
    #expect(kinds(transcript) == [.sslv2ClientHello])
    #expect(transcript.closed == [.clientToServer, .serverToClient])
}

@Test func aClearAlertAfterKeysAreInUseIsStillRead() throws {
    // The server rejects the client's Finished with a plaintext alert although its keys are set.
    let conversation = TLS13Conversation(suite: .tlsAES128GCMSHA256, keyUpdates: false)
    var script = Array(try conversation.script().prefix(4))
    script.append((.serverToClient, plainRecords(21, [2, 51])))
    let transcript = run(script, keyLog: conversation.keyLog)
    #expect(kinds(transcript) == [.alert(level: 2, description: 51)])
    #expect(transcript.diagnostics.first?.description.hasPrefix("record 6 in server→client (offset") == true)
    #expect(transcript.diagnostics.first?.description.hasSuffix("fatal alert decrypt_error (51)") == true)
}
