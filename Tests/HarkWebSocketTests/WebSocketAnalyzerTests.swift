import HarkCore
import HarkTestSupport
import NIOCore
import Testing

@testable import HarkWebSocket

/// Every byte split of `bytes` into one-byte pieces, and a few random splits.
private func splits(_ bytes: [UInt8], seed: UInt64) -> [[[UInt8]]] {
    var generator = SplitMix64(seed: seed)
    var random: [[UInt8]] = []
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + Int(generator.next() % 7) + 1)
        random.append(Array(bytes[start..<end]))
        start = end
    }
    return [[bytes], bytes.map { [$0] }, random]
}

@Suite struct WebSocketAnalyzerTests {
    let mask: [UInt8] = [0x37, 0xfa, 0x21, 0x3d]

    @Test func unmasksAndJoinsFragmentsWithControlFramesBetween() {
        let client = WebSocketFrames.text("Hel", fin: false, mask: mask)
            + WebSocketFrames.frame(Array("ping!".utf8), opcode: 9, mask: mask)
            + WebSocketFrames.frame(Array("lo, ".utf8), opcode: 0, fin: false, mask: mask)
            + WebSocketFrames.frame(Array("world".utf8), opcode: 0, mask: mask)
            + WebSocketFrames.frame([0x03, 0xe8] + Array("bye".utf8), opcode: 8, mask: mask)
        for pieces in splits(client, seed: 7) {
            let result = analyze(pieces.map { (.clientToServer, $0) })
            #expect(result.diagnostics.isEmpty)
            #expect(result.messages.map(\.opcode) == [.ping, .text, .close])
            #expect(result.messages.prefix(2).map(text) == ["ping!", "Hello, world"])
            #expect(result.messages[1].frameCount == 3)
            #expect(result.messages[1].isComplete)
            #expect(result.messages[1].problem == nil)
            #expect(result.messages[2].closeCode == 1000)
            #expect(result.messages[2].closeReason == "bye")
        }
    }

    @Test func binaryAndLongLengthsFromTheServer() {
        let big = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let server = WebSocketFrames.frame(big, opcode: 2) + WebSocketFrames.frame(Array(repeating: 1, count: 300), opcode: 2)
        for pieces in splits(server, seed: 3).dropFirst(2) + [[server]] {
            let result = analyze(pieces.map { (.serverToClient, $0) })
            #expect(result.messages.count == 2)
            #expect(result.messages.first?.length == 70_000)
            #expect((try? result.messages.first?.payload.readAll()).map { Array($0.readableBytesView) } == big)
            #expect(result.messages.last?.length == 300)
            #expect(result.messages.allSatisfy { $0.direction == .serverToClient })
        }
    }

    @Test func inflatesWithContextTakeover() {
        let deflater = MessageDeflater()
        let texts = ["{\"hello\": \"world\", \"n\": 1}", "{\"hello\": \"world\", \"n\": 2}", "{\"hello\": \"world\", \"n\": 3}"]
        let server = texts.flatMap { WebSocketFrames.frame(deflater.compress($0), opcode: 1, rsv1: true) }
        for pieces in splits(server, seed: 11) {
            let result = analyze(pieces.map { (.serverToClient, $0) }, start: .upgrade(deflate: PerMessageDeflate()))
            #expect(result.messages.map(text) == texts)
            #expect(result.messages.allSatisfy { $0.isCompressed && $0.problem == nil })
            // Later messages refer back to the first: fewer wire bytes than text.
            #expect(result.messages[2].wireLength < texts[2].utf8.count)
        }
    }

    @Test func midStreamCompressedMessagesAreFlaggedNotGuessed() {
        let deflater = MessageDeflater()
        let texts = ["alpha beta gamma delta epsilon", "alpha beta gamma delta epsilon zeta", "eta theta", "QXJ 0123456789"]
        let frames = texts.map { WebSocketFrames.frame(deflater.compress($0), opcode: 1, rsv1: true) }
        // The capture starts at the second message, which refers to the first (not captured).
        let result = analyze([(.serverToClient, frames[1...].flatMap { $0 })], start: .midStream)
        #expect(result.messages.count == 3)
        // Literal bytes are shown; bytes copied from history before the capture are U+FFFD, never a guess.
        #expect(result.messages.map(text) == ["a\u{FFFD} z\u{FFFD}", "\u{FFFD}th\u{FFFD}", "QXJ 0123456789"])
        #expect(result.messages[0].problem?.contains("before the capture began") == true)
        #expect(result.messages[0].length == texts[1].utf8.count)
        #expect(result.messages[2].problem == nil)
    }

    @Test func noContextTakeoverResetsTheWindow() {
        var settings = PerMessageDeflate()
        settings.serverNoContextTakeover = true
        let texts = ["same text same text", "same text same text"]
        let server = texts.flatMap { WebSocketFrames.frame(MessageDeflater().compress($0), opcode: 1, rsv1: true) }
        let result = analyze([(.serverToClient, server)], start: .upgrade(deflate: settings))
        #expect(result.messages.map(text) == texts)
    }

    @Test func negotiationIsReadFromTheResponseHeader() {
        let settings = PerMessageDeflate.negotiated(by: ["permessage-deflate; client_max_window_bits=10; server_no_context_takeover"])
        #expect(settings?.clientMaxWindowBits == 10)
        #expect(settings?.serverNoContextTakeover == true)
        #expect(settings?.clientNoContextTakeover == false)
        #expect(PerMessageDeflate.negotiated(by: ["x-webkit-deflate-frame"]) == nil)
    }

    // MARK: - Hostile frames

    @Test func aLengthWithTheHighBitSetLosesOnlyThatDirection() {
        let lying: [UInt8] = [0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0] + mask + [1, 2, 3]
        let result = analyze([(.clientToServer, lying), (.serverToClient, WebSocketFrames.text("still here"))])
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.message.contains("most significant bit") == true)
        #expect(result.diagnostics.first?.direction == .clientToServer)
        #expect(result.messages.map(text) == ["still here"])
    }

    @Test func aLengthPastTheLimitIsRefused() {
        let lying: [UInt8] = [0x82, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3]
        let result = analyze([(.serverToClient, lying)], limits: WebSocketLimits(maxFrameLength: 1 << 20))
        #expect(result.diagnostics.first?.message.contains("more than the 1048576-byte limit") == true)
        #expect(result.messages.isEmpty)
    }

    @Test func endlessFragmentationIsCutAndReported() {
        var server = WebSocketFrames.text("x", fin: false)
        for _ in 0..<200 { server += WebSocketFrames.frame([0x78], opcode: 0, fin: false) }
        let result = analyze([(.serverToClient, server)], limits: WebSocketLimits(maxFramesPerMessage: 100))
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.message.contains("more than 100 frames") == true)
        #expect(result.messages.count == 1)
        #expect(result.messages.first?.isComplete == false)
        #expect(result.messages.first?.payload.count == 100)
        #expect(result.messages.first?.frameCount == 201)
    }

    @Test func aDeflateBombStopsAtTheInflateLimit() {
        let bomb = MessageDeflater().compress(String(repeating: "A", count: 4 << 20))
        let server = WebSocketFrames.frame(bomb, opcode: 1, rsv1: true) + WebSocketFrames.frame(MessageDeflater().compress("after"), opcode: 1, rsv1: true)
        let result = analyze([(.serverToClient, server)], start: .upgrade(deflate: PerMessageDeflate()), limits: WebSocketLimits(maxInflatedBytes: 1 << 20))
        #expect(result.messages.count == 2)
        #expect(result.messages[0].length == 1 << 20)
        #expect(result.messages[0].payload.count <= 1 << 20)
        #expect(result.messages[0].problem?.contains("decompression bomb") == true)
        #expect(result.messages[1].problem?.contains("not inflated") == true)
        #expect(result.diagnostics.contains { $0.message.contains("decompression bomb") })
    }

    @Test func aGapLosesTheDirectionWithADiagnostic() {
        var analyzer = WebSocketAnalyzer(start: .upgrade(deflate: nil))
        var events: [WebSocketEvent] = []
        analyzer.receive(ByteBuffer(bytes: WebSocketFrames.text("abc", fin: false)), from: .serverToClient, at: Timestamp(nanoseconds: 0)) { events.append($0) }
        analyzer.gap(100, in: .serverToClient, at: Timestamp(nanoseconds: 1)) { events.append($0) }
        analyzer.receive(ByteBuffer(bytes: WebSocketFrames.text("later")), from: .serverToClient, at: Timestamp(nanoseconds: 2)) { events.append($0) }
        #expect(events.count == 2)
        guard case .diagnostic(let diagnostic) = events.first, case .message(let message) = events.last else {
            Issue.record("expected a diagnostic, then the cut message")
            return
        }
        #expect(diagnostic.message.contains("100 bytes lost"))
        #expect(!message.isComplete)
        #expect(text(message) == "abc")
    }

    // MARK: - Frame shape

    @Test func frameShapeTellsClientFromServer() {
        let client = ByteBuffer(bytes: WebSocketFrames.text("hi", mask: mask) + WebSocketFrames.text("there", mask: mask))
        let server = ByteBuffer(bytes: WebSocketFrames.text("hi") + WebSocketFrames.text("there"))
        #expect(WebSocketFrameShape.classify(client, fromClient: true) == .frames)
        #expect(WebSocketFrameShape.classify(client, fromClient: false) == .other)
        #expect(WebSocketFrameShape.classify(server, fromClient: false) == .frames)
        #expect(WebSocketFrameShape.classify(ByteBuffer(string: "GET / HTTP/1.1\r\n"), fromClient: true) == .other)
        #expect(WebSocketFrameShape.classify(ByteBuffer(bytes: [0x81]), fromClient: false) == .needMore)
    }
}
