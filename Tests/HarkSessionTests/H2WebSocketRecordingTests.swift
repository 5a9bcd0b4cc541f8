import Foundation
import HarkCore
import HarkFormat
import HarkHAR
import HarkModel
import HarkSession
import HarkTestSupport
import NIOCore
import Testing

/// The Hypercorn recording of WebSocket over HTTP/2 (`Scripts/record-h2-websocket`: h2c and TLS, two
/// WebSocket streams and three GETs on each connection) through the whole session, against what the
/// client logged and where tshark puts each stream's DATA frames. (TShark 4.0 does not decode WebSocket
/// inside HTTP/2 streams: its `websocket.opcode` column is empty, so messages are checked against the
/// client's log and their packets against tshark's DATA frames.)
struct H2WebSocketRecordingTests {
    static let capture = Fixtures.recorded("h2-websocket-hypercorn.pcap")
    static let keys = Fixtures.recorded("h2-websocket-hypercorn.keys")

    private struct Logs: Decodable {
        var h2c: H2WebSocketLog
        var tls: H2WebSocketLog
    }

    private static func logs() throws -> Logs {
        try JSONDecoder().decode(Logs.self, from: Data(contentsOf: Fixtures.recorded("h2-websocket-hypercorn.expected.json")))
    }

    private static func session() throws -> SessionRecorder {
        var configuration = SessionConfiguration()
        configuration.keyLogPaths = [keys.path]
        return try runSession(capture.path, configuration: configuration).0
    }

    @Test func bothConnectionsAgreeWithTheClientsLog() throws {
        let recorder = try Self.session()
        let logs = try Self.logs()
        #expect(recorder.diagnostics.isEmpty, "\(recorder.diagnostics)")
        let connections = recorder.connectionsByID
        #expect(connections.map(\.applicationProtocol) == [.http2, .tls])
        #expect(connections.map(\.summary.info.server.port) == [8441, 8442])
        #expect(connections.map { $0.tls?.isDecrypted } == [nil, true])
        try H2WebSocketChecks.check(recorder, connection: 0, log: logs.h2c, scheme: "http", port: 8441)
        try H2WebSocketChecks.check(recorder, connection: 1, log: logs.tls, scheme: "https", port: 8442)
        #expect(recorder.messages.count == 2 * logs.h2c.websockets.reduce(0) { $0 + $1.messages.count })
    }

    /// Each message's first and last packet holds a DATA frame of its stream sent by its sender, as
    /// tshark decodes the capture (decrypted with the key log).
    @Test func messagesArePlacedInPacketsWhereTsharkSeesTheirStreamsData() throws {
        let recorder = try Self.session()
        let oracle = try OracleTable(contentsOf: OracleTable.beside(Self.capture, kind: "oracle-h2"))
        var dataFrames = Set<String>()
        for row in oracle.rows {
            let streams = (row["http2.streamid"] ?? "").split(separator: ",")
            let types = (row["http2.type"] ?? "").split(separator: ",")
            for (stream, type) in zip(streams, types) where type == "0" {
                dataFrames.insert("\(row["frame.number"] ?? "") \(row["tcp.srcport"] ?? "") \(stream)")
            }
        }
        #expect(oracle.rows.allSatisfy { ($0["websocket.opcode"] ?? "").isEmpty }, "tshark began decoding WebSocket over HTTP/2: compare with it")
        #expect(!recorder.messages.isEmpty)
        for message in recorder.messages {
            let packets = try #require(message.packets)
            let sender = message.direction == .clientToServer ? message.connection.client.port : message.connection.server.port
            let stream = message.streamID.map { "\($0)" } ?? "none"
            #expect(dataFrames.contains("\(packets.first) \(sender) \(stream)"), "message \(message.id) first packet \(packets.first)")
            #expect(dataFrames.contains("\(packets.last) \(sender) \(stream)"), "message \(message.id) last packet \(packets.last)")
        }
    }

    /// Copies that begin later (every fifth packet): no crash, and every message reported belongs to a
    /// stream whose CONNECT the copy holds, linked to it and exact. A stream whose CONNECT was missed is
    /// not searched for frames (the README says so): its DATA is a body.
    @Test func copiesThatBeginLaterReportOnlyWhatTheyCanPlace() throws {
        var configuration = SessionConfiguration()
        configuration.keyLogPaths = [Self.keys.path]
        for first in stride(from: 2, through: 141, by: 5) {
            let cut = try PcapCut.from(Self.capture, startingAt: first)
            let (recorder, _) = try runSession(bytes: cut, name: "h2-websocket-from-\(first).pcap", configuration: configuration)
            // The whole h2c conversation is in copies from packet 2; the TLS one (its SYN is packet 72) in
            // every copy that begins before it.
            let tls = recorder.messages.filter { $0.connection.server.port == 8442 }
            if first <= 2 { #expect(recorder.messages.count == 62) }
            if first <= 72 { #expect(tls.count == 31, "from packet \(first)") }
            for message in recorder.messages {
                let opener = recorder.exchanges.first { $0.id == message.exchangeID }
                #expect(opener?.switchedTo == "websocket" && opener?.streamID == message.streamID.map(Int.init), "from packet \(first)")
                #expect(message.isExact, "from packet \(first): message \(message.id) \(message.payload.decodingError ?? "incomplete")")
            }
        }
    }

    /// The HAR as `hark har` assembles it: each CONNECT's entry carries the data messages of its own
    /// stream only, in Chrome's shape, with an absolute URL and the extended CONNECT's pseudo-headers.
    @Test func eachCONNECTEntryGetsItsOwnStreamsMessages() throws {
        let recorder = try Self.session()
        var held = HARWebSocketEntries(options: HARExportOptions())
        let spool = try HARSortingSpool(log: HARLog(creator: HARCreator(name: "hark", version: "test")))
        for exchange in recorder.exchanges {
            if HARWebSocketEntries.waitsForMessages(exchange) {
                held.hold(HAREntry(exchange: exchange), of: exchange)
            } else {
                try spool.add(HAREntry(exchange: exchange))
            }
        }
        for message in recorder.messages { held.add(message) }
        for connection in recorder.connectionsByID {
            for entry in held.release(connection: connection.summary.info.id) { try spool.add(entry) }
        }
        #expect(held.releaseAll().isEmpty)
        let sink = MemorySink()
        try spool.finish(to: sink)
        let entries = try HARCorpusTests.entries(sink.bytes)
        #expect(entries.count == recorder.exchanges.count)
        let sockets = entries.filter { $0["_resourceType"] as? String == "websocket" }
        #expect(sockets.count == 4)
        for entry in sockets {
            let request = try #require(entry["request"] as? [String: Any])
            let url = try #require(request["url"] as? String)
            let connection = try #require(Int(entry["connection"] as? String ?? ""))
            let exchange = try #require(recorder.exchanges.first {
                $0.connection.id == connection && $0.request.url(server: $0.connection.server) == url
            })
            #expect(url.hasSuffix("/chat") || url.hasSuffix("/plain"))
            let headers = (request["headers"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(Array(headers.prefix(5)) == [":method", ":authority", ":scheme", ":path", ":protocol"])
            let items = try #require(entry["_webSocketMessages"] as? [[String: Any]])
            let own = recorder.messages.filter { $0.exchangeID == exchange.id && $0.opcode < 8 }
            #expect(items.count == own.count)
            #expect(!own.isEmpty)
            for (item, message) in zip(items, own) {
                #expect(item["type"] as? String == (message.direction == .clientToServer ? "send" : "receive"))
                #expect(item["opcode"] as? Int == message.opcode)
                #expect(abs((item["time"] as? Double ?? 0) - message.firstByte.secondsSinceEpoch) < 0.000_001)
                let payload = (try? message.payload.content.readAll()).map { Array($0.readableBytesView) } ?? []
                let data = message.opcode == 1 ? String(decoding: payload, as: UTF8.self) : Data(payload).base64EncodedString()
                #expect(item["data"] as? String == data)
            }
        }
        if HARValidator.isAvailable {
            let result = try HARValidator.validate(sink.bytes)
            #expect(result.status == 0, "\(result.errors)")
        }
    }
}
