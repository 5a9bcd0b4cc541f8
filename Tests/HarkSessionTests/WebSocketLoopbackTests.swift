import Foundation
import HarkCapture
import HarkCore
import HarkFormat
import HarkHAR
import HarkModel
import HarkTestSupport
import NIOCore
import Testing

/// A real WebSocket conversation (Python `websockets` server and client on loopback, permessage-deflate
/// with context takeover) read back from its capture, and from a copy cut in the middle.
struct WebSocketLoopbackTests {
    private static func payload(_ message: ConnectionMessage) -> String {
        let bytes = (try? message.payload.content.readAll()) ?? ByteBuffer()
        if message.opcode == 2 { return bytes.readableBytesView.map { String(format: "%02x", $0) }.joined() }
        return String(decoding: bytes.readableBytesView, as: UTF8.self)
    }

    private static func data(_ messages: [ConnectionMessage], _ direction: Direction) -> [ConnectionMessage] {
        messages.filter { ($0.opcode == 1 || $0.opcode == 2) && $0.direction == direction }
    }

    @Test(.enabled(if: WebSocketLoopbackRecorder.unavailableReason == nil, "\(WebSocketLoopbackRecorder.unavailableReason ?? "")"))
    func aRecordedConversationDecodesWithItsCompressionAndACutCopySaysWhatItCannotInflate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-ws-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recording = try WebSocketLoopbackRecorder.record(directory: directory)
        #expect(recording.extensions.hasPrefix("permessage-deflate"), "\(recording.extensions)")

        let (recorder, _) = try runSession(recording.capture.path)
        #expect(recorder.diagnostics.isEmpty, "\(recorder.diagnostics)")
        let upgrade = try #require(recorder.exchanges.first)
        #expect(upgrade.switchedTo == "websocket")
        #expect(upgrade.response?.headers.first("Sec-WebSocket-Extensions") == recording.extensions)
        #expect(recorder.connections.map(\.applicationProtocol) == [.webSocket])

        // Every data message each side sent, in order, exactly; all compressed, all whole.
        let client = Self.data(recorder.messages, .clientToServer)
        let server = Self.data(recorder.messages, .serverToClient)
        #expect(client.map { WebSocketLoopbackRecorder.Sent(opcode: $0.opcode, payload: Self.payload($0)) } == recording.client)
        #expect(server.map { WebSocketLoopbackRecorder.Sent(opcode: $0.opcode, payload: Self.payload($0)) } == recording.server)
        #expect((client + server).allSatisfy { $0.payload.contentCodings == ["permessage-deflate"] && $0.payload.decodingError == nil })
        #expect(recorder.messages.allSatisfy { $0.exchangeID == upgrade.id && $0.payload.isComplete })
        // Context takeover: the second tick refers back to the first and takes fewer wire bytes.
        let ticks = client.filter { Self.payload($0).hasPrefix("{\"event\": \"tick\"") }
        #expect(ticks.count == 6)
        #expect(ticks[1].payload.wireBytes < ticks[0].payload.wireBytes / 2, "\(ticks.map(\.payload.wireBytes))")
        // The fragmented message came in four frames (websockets ends it with an empty final one, as
        // tshark shows); the 100,000 z's in a few hundred bytes.
        #expect(client.first { Self.payload($0) == "frag-ment-ed" }?.frameCount == 4)
        let zs = try #require(client.first { $0.payload.length == 100_000 })
        #expect(zs.payload.wireBytes < 1_000)
        // Control messages: the ping and its pong, the close and its echo.
        let control = recorder.messages.filter { $0.opcode >= 8 }.map { message in
            let side = message.direction == .clientToServer ? "client" : "server"
            let what = message.opcode == 8 ? "\(message.closeCode ?? 0) \(message.closeReason ?? "")" : Self.payload(message)
            return "\(side) \(message.kind) \(what)"
        }
        #expect(control.sorted() == ["client close 1000 client done", "client ping probe", "server close 1000 client done", "server pong probe"])

        try checkHAR(recorder, recording)

        let first = try firstPacket(at: recording.cutTime, in: recording.capture)
        let cut = try PcapCut.from(recording.capture, startingAt: first)
        let bytes = try checkCutCopy(cut, recording, serverPort: recording.port, roles: .portHeuristic)
        // The same copy with the server on a port above the client's: the port heuristic takes the
        // server for the client, and the masked frames set the roles right, counters included.
        let highPort: UInt16 = 65_000
        let renumbered = Self.renumbering(cut, port: UInt16(recording.port), to: highPort)
        let swappedBytes = try checkCutCopy(renumbered, recording, serverPort: Int(highPort), roles: .webSocketMasking)
        #expect(swappedBytes.client == bytes.client && swappedBytes.server == bytes.server)
    }

    /// The copy cut between the two halves: no upgrade, frames found by shape, compression seen from
    /// RSV1, and each message either exact or flagged, its unknown runs U+FFFD, never other text.
    private func checkCutCopy(
        _ cut: [UInt8],
        _ recording: WebSocketLoopbackRecorder.Recording,
        serverPort: Int,
        roles: RoleSource
    ) throws -> (client: Int64, server: Int64) {
        let (cutRecorder, _) = try runSession(bytes: cut, name: "cut.pcap")
        #expect(cutRecorder.exchanges.isEmpty)
        #expect(cutRecorder.connections.map(\.applicationProtocol) == [.webSocket])
        for (direction, sent) in [(Direction.clientToServer, recording.client), (.serverToClient, recording.server)] {
            let messages = Self.data(cutRecorder.messages, direction)
            let expected = Array(sent.suffix(messages.count))
            #expect(messages.count == 5, "\(direction): \(messages.map { Self.payload($0).prefix(30) })")
            for (message, oracle) in zip(messages, expected) {
                let text = Self.payload(message)
                #expect(message.exchangeID == nil)
                if let problem = message.payload.decodingError {
                    #expect(problem.contains("before the capture began"), "\(problem)")
                    let pattern = "^" + text.split(separator: "\u{FFFD}", omittingEmptySubsequences: false)
                        .map { NSRegularExpression.escapedPattern(for: String($0)) }.joined(separator: "(?s:.+)") + "$"
                    #expect(oracle.payload.range(of: pattern, options: .regularExpression) != nil, "\(text.prefix(80)) vs \(oracle.payload.prefix(80))")
                } else {
                    #expect(text == oracle.payload)
                }
            }
            // The first tick after the cut refers to the ticks before it: partly decoded, and said so.
            #expect(messages.first?.payload.decodingError != nil)
        }
        // The client's 100,000 z's refer only to themselves: exact even without the history.
        #expect(Self.data(cutRecorder.messages, .clientToServer).contains { $0.payload.length == 100_000 && $0.payload.decodingError == nil })
        // The roles: the client is the side that masks, however they were found.
        let info = try #require(cutRecorder.connections.first?.summary.info)
        #expect(info.server.port == UInt16(serverPort))
        #expect(info.roleSource == roles)
        #expect(cutRecorder.messages.allSatisfy { $0.connection.server.port == UInt16(serverPort) })
        let summary = try #require(cutRecorder.connections.first?.summary)
        return (summary.clientToServer.payloadBytes, summary.serverToClient.payloadBytes)
    }

    /// `capture` (classic pcap, Ethernet, IPv4) with TCP port `port` renumbered `replacement` (checksums
    /// are not kept: hark does not check them).
    private static func renumbering(_ capture: [UInt8], port: UInt16, to replacement: UInt16) -> [UInt8] {
        var bytes = capture
        var offset = 24
        while offset + 16 <= bytes.count {
            let length = Int(bytes[offset + 8]) | Int(bytes[offset + 9]) << 8 | Int(bytes[offset + 10]) << 16 | Int(bytes[offset + 11]) << 24
            let ip = offset + 16 + 14
            if ip < bytes.count {
                let tcp = ip + Int(bytes[ip] & 0x0F) * 4
                for field in [tcp, tcp + 2] where field + 1 < bytes.count {
                    if UInt16(bytes[field]) << 8 | UInt16(bytes[field + 1]) == port {
                        bytes[field] = UInt8(replacement >> 8)
                        bytes[field + 1] = UInt8(replacement & 0xFF)
                    }
                }
            }
            offset += 16 + length
        }
        return bytes
    }

    /// The HAR as `hark har` assembles it: the upgrade's entry with `_resourceType: "websocket"` and
    /// `_webSocketMessages` in Chrome's shape (checked by the schema in `Tests/Schemas`), each item
    /// the message as sent: text as text, binary as base64, time in epoch seconds at its first frame.
    private func checkHAR(_ recorder: SessionRecorder, _ recording: WebSocketLoopbackRecorder.Recording) throws {
        var held = HARWebSocketEntries(options: HARExportOptions())
        let upgrade = try #require(recorder.exchanges.first)
        held.hold(HAREntry(exchange: upgrade), of: upgrade)
        for message in recorder.messages { held.add(message) }
        let released = held.release(connection: upgrade.connection.id)
        #expect(released.count == 1)
        let entry = try #require(released.first)
        let spool = try HARSortingSpool(log: HARLog(creator: HARCreator(name: "hark", version: "test")))
        try spool.add(entry)
        let sink = MemorySink()
        try spool.finish(to: sink)
        let written = try #require(try HARCorpusTests.entries(sink.bytes).first)
        #expect(written["_resourceType"] as? String == "websocket")
        let messages = try #require(written["_webSocketMessages"] as? [[String: Any]])
        #expect(messages.allSatisfy { Set($0.keys) == Set(["type", "time", "opcode", "data"]) })
        let data = recorder.messages.filter { $0.opcode == 1 || $0.opcode == 2 }
        #expect(messages.count == data.count)
        for (item, message) in zip(messages, data) {
            #expect(item["type"] as? String == (message.direction == .clientToServer ? "send" : "receive"))
            #expect(item["opcode"] as? Int == message.opcode)
            let time = try #require(item["time"] as? Double)
            #expect(abs(time - message.firstByte.secondsSinceEpoch) < 0.000_001)
            let payload = (try? message.payload.content.readAll()).map { Array($0.readableBytesView) } ?? []
            if message.opcode == 1 {
                #expect(item["data"] as? String == String(decoding: payload, as: UTF8.self))
            } else {
                #expect(item["data"] as? String == Data(payload).base64EncodedString())
            }
        }
        if HARValidator.isAvailable {
            let result = try HARValidator.validate(sink.bytes)
            #expect(result.status == 0, "\(result.errors)")
        }
    }

    private struct NoPacket: Error {}

    /// The number (1-based) of the first packet captured at or after `time` (seconds since the epoch).
    private func firstPacket(at time: Double, in capture: URL) throws -> Int {
        let reader = try CaptureReader(path: capture.path)
        var number = 0
        while let record = reader.next() {
            guard case .frame(let frame) = record else { continue }
            number += 1
            if frame.timestamp.secondsSinceEpoch >= time { return number }
        }
        throw NoPacket()
    }
}
