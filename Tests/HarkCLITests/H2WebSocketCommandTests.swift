import Foundation
import HarkTestSupport
import Testing

/// WebSocket over HTTP/2 as a user sees it, from the Hypercorn recording (`Scripts/record-h2-websocket`,
/// two connections, each with `/chat` on stream 3 with permessage-deflate and `/plain` on stream 5):
/// `trace` (text and JSON), `har`, `stats` and `--filter` each show the messages on their own stream and
/// exchange.
@Suite(.enabled(if: HarkBinary.url != nil, "needs the hark executable beside the tests"))
struct H2WebSocketCommandTests {
    static let capture = Fixtures.recorded("h2-websocket-hypercorn.pcap").path
    static let keys = Fixtures.recorded("h2-websocket-hypercorn.keys").path

    private static func run(_ arguments: [String]) throws -> String {
        let (status, output, errors) = try HarkBinary.run(arguments + ["--keylog", keys, capture])
        #expect(status == 0, "\(errors)")
        return output
    }

    private static func objects(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
        }
    }

    @Test func traceShowsTheCONNECTsSwitchAndEachMessagesStream() throws {
        let lines = try Self.run(["trace", "--color", "never"]).split(separator: "\n").map(String.init)
        let connects = lines.filter { $0.contains("CONNECT ") }
        #expect(connects.count == 4)
        #expect(connects.first?.hasSuffix("CONNECT http://127.0.0.1:8441/chat (stream 3) ⇒ websocket") == true, "\(connects)")
        #expect(connects.last?.hasSuffix("CONNECT https://127.0.0.1:8442/plain (stream 5) ⇒ websocket") == true, "\(connects)")
        #expect(lines.filter { $0.contains(" ws (stream 3) ") }.count == 42)
        #expect(lines.filter { $0.contains(" ws (stream 5) ") }.count == 20)
        #expect(lines.contains { $0.hasSuffix("ws (stream 3) ↑ text        12 B (3 frames) (14 B compressed)  \"frag-ment-ed\"") })
        #expect(lines.contains { $0.hasSuffix("ws (stream 3) ↓ close       12 B  1001 \"going away\"") })
        #expect(lines.contains { $0.hasSuffix("ws (stream 5) ↑ binary    1.0 kB") })
    }

    @Test func jsonMessagesNameTheirStreamAndTheCONNECTThatOpenedIt() throws {
        let objects = try Self.objects(try Self.run(["trace", "--json"]))
        let exchanges = objects.filter { $0["type"] as? String == "exchange" }
        let messages = objects.filter { $0["type"] as? String == "ws_message" }
        #expect(messages.count == 62)
        for message in messages {
            let stream = try #require(message["stream_id"] as? Int)
            #expect([3, 5].contains(stream))
            let opener = exchanges.first { ($0["id"] as? Int) == (message["exchange"] as? Int) }
            #expect(opener?["stream_id"] as? Int == stream)
            #expect(opener?["connection"] as? Int == message["connection"] as? Int)
            #expect(opener?["switched_to"] as? String == "websocket")
            #expect(message["compressed"] as? Bool == (stream == 3 && (message["opcode"] as? Int ?? 0) < 8))
        }
    }

    @Test func harGivesEachCONNECTItsOwnMessagesAndValidates() throws {
        let output = try Self.run(["har"])
        let document = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        let entries = (document?["log"] as? [String: Any])?["entries"] as? [[String: Any]] ?? []
        #expect(entries.count == 10)
        let sockets = entries.filter { $0["_resourceType"] as? String == "websocket" }
        let counts = sockets.map { entry -> String in
            let url = (entry["request"] as? [String: Any])?["url"] as? String ?? ""
            return "\(url) \((entry["_webSocketMessages"] as? [Any])?.count ?? -1)"
        }
        // Data messages only, as Chrome: /chat 17 (9 sent, 8 echoed: "please close" is answered by a close), /plain 6.
        #expect(counts.sorted() == [
            "http://127.0.0.1:8441/chat 17", "http://127.0.0.1:8441/plain 6",
            "https://127.0.0.1:8442/chat 17", "https://127.0.0.1:8442/plain 6",
        ])
        if HARValidator.isAvailable {
            let result = try HARValidator.validate(Array(output.utf8))
            #expect(result.status == 0, "\(result.errors)")
        }
    }

    @Test func statsCountMessagesUnderTheirOwnCONNECT() throws {
        let stats = try JSONSerialization.jsonObject(with: Data(try Self.run(["stats", "--json"]).utf8)) as? [String: Any]
        let endpoints = stats?["endpoints"] as? [[String: Any]] ?? []
        let messages = endpoints.map { "\($0["method"] as? String ?? "") \($0["pattern"] as? String ?? "") \($0["messages"] as? Int ?? -1)" }
        #expect(messages.sorted() == ["CONNECT /chat 42", "CONNECT /plain 20", "GET /after 0", "GET /before 0", "GET /while-open 0"])
    }

    @Test func aFilterOnOneCONNECTKeepsOnlyItsStreamsMessages() throws {
        let plain = try Self.objects(try Self.run(["trace", "--json", "--filter", "path=/plain"]))
        let plainMessages = plain.filter { $0["type"] as? String == "ws_message" }
        #expect(plainMessages.count == 20)
        #expect(plainMessages.allSatisfy { $0["stream_id"] as? Int == 5 })
        let webSockets = try Self.objects(try Self.run(["trace", "--json", "--filter", "proto=ws"]))
        let exchanges = webSockets.filter { $0["type"] as? String == "exchange" }
        #expect(exchanges.map { $0["method"] as? String } == ["CONNECT", "CONNECT", "CONNECT", "CONNECT"])
        #expect(webSockets.filter { $0["type"] as? String == "ws_message" }.count == 62)
        let text = try Self.objects(try Self.run(["trace", "--json", "--filter", "msg ~ \"frag-ment\""]))
        #expect(text.filter { $0["type"] as? String == "ws_message" }.map { $0["stream_id"] as? Int } == [3, 3, 3, 3])
    }
}
