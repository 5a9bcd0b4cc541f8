import HarkCore
import HarkTestSupport
import NIOCore
import Testing

@testable import HarkWebSocket

/// Frames a hostile or broken peer sends: each gives a clear diagnostic, at most once per kind and
/// direction, and costs bounded memory.
@Suite struct WebSocketHostileFrameTests {
    let mask: [UInt8] = [0x37, 0xfa, 0x21, 0x3d]

    @Test func aLengthThatLiesShortEndsAtTheReservedOpcodeItExposes() {
        // The first frame says 2 bytes but carries 5: its last 3 ("\u{83}xy") are read as a header
        // with the reserved opcode 3, and the direction's framing is given up there.
        let lying: [UInt8] = [0x81, 0x02] + Array("ab".utf8) + [0x83] + Array("xy".utf8) + WebSocketFrames.text("later")
        let result = analyze([(.serverToClient, lying)])
        #expect(result.messages.map(text) == ["ab"])
        #expect(result.diagnostics.count == 1)
        let diagnostic = result.diagnostics.first
        #expect(diagnostic?.isError == true)
        #expect(diagnostic?.streamOffset == 4)
        #expect(diagnostic?.message.hasPrefix("frame with reserved opcode 3 (RFC 6455 §5.2)") == true)
        #expect(diagnostic?.message.hasSuffix("the rest of this direction is not decoded") == true)
    }

    @Test func aLengthThatLiesLongSwallowsTheRestAndTheMessageEndsIncomplete() {
        // 900 MB declared, 1 KiB sent: what came is kept, the message is cut by the end, nothing
        // more is held than what arrived.
        let header: [UInt8] = [0x82, 0x7f] + (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(900_000_000) >> (8 * UInt64($0))) }
        let result = analyze([(.serverToClient, header + [UInt8](repeating: 7, count: 1_024))])
        #expect(result.messages.count == 1)
        #expect(result.messages.first?.isComplete == false)
        #expect(result.messages.first?.length == 1_024)
        #expect(result.messages.first?.payload.count == 1_024)
        #expect(result.messages.first?.problem == "the connection ended before its final frame")
    }

    @Test func aHugeDeclaredLengthIsRefusedAtTheFrameLimit() {
        let header: [UInt8] = [0x82, 0x7f, 0, 0, 0x01, 0, 0, 0, 0, 0]  // 2^40 bytes
        let result = analyze([(.serverToClient, header + [1, 2, 3]), (.clientToServer, WebSocketFrames.text("ok", mask: mask))])
        #expect(result.diagnostics.map(\.message) == [
            "frame declares a payload of 1099511627776 bytes, more than the 1073741824-byte limit; the rest of this direction is not decoded"
        ])
        #expect(result.messages.map(text) == ["ok"])
    }

    @Test func wrongMasksAreReportedOncePerDirectionAndTheBytesStillRead() {
        var server: [UInt8] = []
        var client: [UInt8] = []
        for index in 0..<100 {
            server += WebSocketFrames.text("s\(index)", mask: mask)  // a server must not mask
            client += WebSocketFrames.text("c\(index)")  // a client must
        }
        let result = analyze([(.serverToClient, server), (.clientToServer, client)])
        #expect(result.messages.count == 200)
        #expect(result.messages.filter { $0.direction == .serverToClient }.map(text) == (0..<100).map { "s\($0)" })
        #expect(result.messages.filter { $0.direction == .clientToServer }.map(text) == (0..<100).map { "c\($0)" })
        #expect(result.diagnostics.map(\.description) == [
            "WebSocket server→client at offset 0: server frame masked (RFC 6455 §5.1 forbids a server to mask); unmasked with its key; later ones in this direction are not reported",
            "WebSocket client→server at offset 0: client frame not masked (RFC 6455 §5.1 requires a client to mask every frame); later ones in this direction are not reported",
        ])
        #expect(result.diagnostics.allSatisfy { !$0.isError })
    }

    @Test func fragmentedAndOversizedControlFramesAreWarnedAboutAndKeptShort() {
        let longPing = WebSocketFrames.frame([UInt8](repeating: 0x70, count: 300), opcode: 9)
        let fragmentedPing = WebSocketFrames.frame(Array("half".utf8), opcode: 9, fin: false)
        let server = longPing + fragmentedPing + longPing + WebSocketFrames.text("after")
        let result = analyze([(.serverToClient, server)])
        #expect(result.messages.map(\.opcode) == [.ping, .ping, .ping, .text])
        #expect(result.messages[0].length == 300)
        #expect(result.messages[0].payload.count == 125)
        #expect(text(result.messages[3]) == "after")
        #expect(result.diagnostics.map(\.message) == [
            "ping frame of 300 bytes (RFC 6455 §5.5 allows 125); 125 kept; later ones in this direction are not reported",
            "ping frame without FIN (RFC 6455 §5.5: control frames are not fragmented); taken as whole; later ones in this direction are not reported",
        ])
    }

    @Test func textThatIsNotUTF8IsFlaggedPerMessageAndReportedOnce() {
        let bad: [UInt8] = [0x61, 0xC3, 0x28, 0x62]  // C3 must be followed by 80…BF
        let surrogate: [UInt8] = [0xED, 0xA0, 0x80]  // U+D800, not a scalar value
        // "é" (C3 A9) split between two fragments is valid.
        let split = WebSocketFrames.frame([0x61, 0xC3], opcode: 1, fin: false) + WebSocketFrames.frame([0xA9], opcode: 0)
        let unfinished = WebSocketFrames.frame([0x61, 0xE2, 0x82], opcode: 1)  // "€" without its last byte
        let server = WebSocketFrames.frame(bad, opcode: 1) + WebSocketFrames.frame(surrogate, opcode: 1) + split + unfinished
            + WebSocketFrames.frame(bad, opcode: 2)  // binary: no rule
        let result = analyze([(.serverToClient, server)])
        #expect(result.messages.count == 5)
        #expect(result.messages[0].problem == "text is not valid UTF-8 (RFC 6455 §8.1); shown with U+FFFD")
        #expect(result.messages[1].problem == "text is not valid UTF-8 (RFC 6455 §8.1); shown with U+FFFD")
        #expect(result.messages[2].problem == nil)
        #expect(text(result.messages[2]) == "aé")
        #expect(result.messages[3].problem == "text ends inside a UTF-8 character (RFC 6455 §8.1); shown with U+FFFD")
        #expect(result.messages[4].problem == nil)
        #expect(result.diagnostics.map(\.message) == [
            "text is not valid UTF-8 (RFC 6455 §8.1); later ones in this direction are not reported"
        ])
    }

    @Test func closeFramesWithCodesNoPeerMaySendOrBadReasonsSaySo() {
        let frames = [
            WebSocketFrames.frame([0x03, 0xE8] + Array("bye".utf8), opcode: 8),  // 1000: fine
            WebSocketFrames.frame([0x03, 0xED], opcode: 8),  // 1005: only reported locally
            WebSocketFrames.frame([0x03], opcode: 8),  // a lone byte
            WebSocketFrames.frame([0x0F, 0xA0, 0xFF], opcode: 8),  // 4000 with a bad reason
        ]
        let result = analyze(frames.map { (.serverToClient, $0) })
        #expect(result.messages.map(\.closeCode) == [1000, 1005, nil, 4000])
        #expect(result.messages.map(\.problem) == [
            nil,
            "close code 1005 is not one an endpoint may send (RFC 6455 §7.4)",
            "a 1-byte close body has no room for its status code (RFC 6455 §5.5.1)",
            "close reason is not valid UTF-8 (RFC 6455 §5.5.1); shown with U+FFFD",
        ])
    }

    @Test func aFloodOfBadFramesGivesOneDiagnosticPerKind() {
        // 50,000 frames, each with RSV2, a wrong mask bit, a too-long ping declared... every one
        // breaking two rules: the diagnostics stay at one per rule.
        var client: [UInt8] = []
        for _ in 0..<50_000 { client += [0xA9, 0x01, 0x78] }  // FIN, RSV2, ping; unmasked; 1 byte
        let result = analyze([(.clientToServer, client)])
        #expect(result.messages.count == 50_000)
        #expect(result.diagnostics.count == 2)
    }
}
