import Foundation
import HarkCore
import HarkModel
import HarkTestSupport
import NIOCore
import Testing

/// The corpus WebSocket captures against tshark's view of every frame (`*.oracle-ws-payload.tsv`:
/// opcode and payload per frame, deflate already undone by tshark; several frames in one packet are
/// joined with `|`).
struct WebSocketCorpusTests {
    /// One data or control message as tshark lists it: opcode and payload (text, or hex for binary).
    private struct Seen: Equatable, CustomStringConvertible {
        var opcode: Int
        var payload: String
        var description: String { "\(opcode):\(payload.prefix(40))" }
    }

    private func oracle(_ name: String) throws -> [Seen] {
        let table = try OracleTable(contentsOf: Fixtures.corpus("\(name).oracle-ws-payload.tsv"))
        var seen: [Seen] = []
        for row in table.rows {
            let opcodes = (row["websocket.opcode"] ?? "").split(separator: "|").compactMap { Int($0) }
            let texts = (row["websocket.payload.text"] ?? "").split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let binaries = (row["data.data"] ?? "").split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            var textIndex = 0
            var binaryIndex = 0
            for opcode in opcodes {
                switch opcode {
                case 1:
                    seen.append(Seen(opcode: 1, payload: textIndex < texts.count ? texts[textIndex] : ""))
                    textIndex += 1
                case 2:
                    seen.append(Seen(opcode: 2, payload: binaryIndex < binaries.count ? binaries[binaryIndex] : ""))
                    binaryIndex += 1
                default:
                    seen.append(Seen(opcode: opcode, payload: ""))
                }
            }
        }
        return seen
    }

    private func hark(_ name: String) throws -> (messages: [Seen], recorder: SessionRecorder) {
        let (recorder, _) = try runSession(Fixtures.corpus("\(name).pcap").path)
        let messages = recorder.messages.map { message -> Seen in
            let bytes = (try? message.payload.content.readAll()) ?? ByteBuffer()
            switch message.opcode {
            case 1: return Seen(opcode: 1, payload: String(decoding: bytes.readableBytesView, as: UTF8.self))
            case 2: return Seen(opcode: 2, payload: bytes.readableBytesView.map { String(format: "%02x", $0) }.joined())
            default: return Seen(opcode: message.opcode, payload: "")
            }
        }
        return (messages, recorder)
    }

    @Test(arguments: ["websocket-basic-text", "websocket-jupyter", "websocket-permessage-deflate"])
    func everyFrameTsharkListsIsInAMessageWithItsPayload(name: String) throws {
        let expected = try oracle(name)
        let (messages, recorder) = try hark(name)
        #expect(!expected.isEmpty)
        #expect(messages == expected)
        #expect(recorder.messages.allSatisfy { $0.payload.decodingError == nil && $0.payload.isComplete })
        #expect(recorder.diagnostics.isEmpty, "\(recorder.diagnostics)")
        // The upgrade says what it switched to, the messages point at it, the connection is `ws`.
        let upgrade = try #require(recorder.exchanges.first { $0.switchedTo != nil })
        #expect(upgrade.switchedTo == "websocket")
        #expect(recorder.messages.allSatisfy { $0.exchangeID == upgrade.id })
        #expect(recorder.connections.map(\.applicationProtocol) == [.webSocket])
    }

    @Test func theDeflateCaptureIsCompressedAndDecodesToTsharksText() throws {
        let (messages, recorder) = try hark("websocket-permessage-deflate")
        #expect(recorder.messages.count == 10)
        #expect(recorder.messages.allSatisfy { $0.payload.contentCodings == ["permessage-deflate"] })
        #expect(messages.first?.payload == "KEY=07cb9559eff21e3e34f3bbd18240bac3")
    }

    /// A copy of the deflate capture cut after the upgrade: the frames are found by their shape, and
    /// each message is either tshark's text or flagged, never other text.
    @Test func aCaptureCutAfterTheUpgradeFindsTheFramesByShape() throws {
        let name = "websocket-permessage-deflate"
        let expected = try oracle(name)
        let original = try Fixtures.bytes(Fixtures.corpus("\(name).pcap"))
        // Keep the pcap header and the records from packet 8 (the first WebSocket frame) on.
        var cut = Array(original.prefix(24))
        var offset = 24
        var number = 1
        while offset + 16 <= original.count {
            let length = Int(original[offset + 8]) | Int(original[offset + 9]) << 8 | Int(original[offset + 10]) << 16 | Int(original[offset + 11]) << 24
            let end = offset + 16 + length
            if number >= 8 { cut += original[offset..<min(end, original.count)] }
            offset = end
            number += 1
        }
        let (recorder, _) = try runSession(bytes: cut, name: "cut.pcap")
        #expect(recorder.exchanges.isEmpty)
        #expect(recorder.connections.map(\.applicationProtocol) == [.webSocket])
        #expect(recorder.messages.count == expected.count)
        for (message, oracle) in zip(recorder.messages, expected) {
            let text = String(decoding: ((try? message.payload.content.readAll()) ?? ByteBuffer()).readableBytesView, as: UTF8.self)
            #expect(message.exchangeID == nil)
            #expect(message.direction == .serverToClient)
            if message.payload.decodingError == nil {
                #expect(text == oracle.payload)
            } else {
                // Partly decoded: every known character is in place, unknown runs are U+FFFD.
                let pattern = "^" + text.split(separator: "\u{FFFD}", omittingEmptySubsequences: false)
                    .map { NSRegularExpression.escapedPattern(for: String($0)) }.joined(separator: ".+") + "$"
                #expect(oracle.payload.range(of: pattern, options: .regularExpression) != nil, "\(text) vs \(oracle.payload)")
            }
        }
        #expect(recorder.messages.contains { $0.payload.decodingError == nil }, "messages without back-references decode exactly")
    }
}
