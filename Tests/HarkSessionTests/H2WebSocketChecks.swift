import Foundation
import HarkCore
import HarkModel
import NIOCore
import Testing

/// What `Tests/Fixtures/loopback/h2_websocket.py`'s client logged for one HTTP/2 connection.
struct H2WebSocketLog: Decodable {
    /// One WebSocket message as the client sent (`send`) or received (`receive`) it.
    struct Entry: Decodable {
        var dir: String
        var opcode: Int
        var text: String?
        var hex: String?
        var code: Int?
        var reason: String?
    }

    /// One extended CONNECT stream.
    struct Socket: Decodable {
        var stream: Int
        var path: String
        var status: Int
        var extensions: String?
        var messages: [Entry]
    }

    /// One ordinary GET.
    struct Request: Decodable {
        var stream: Int
        var path: String
        var status: Int
        var body: String?
    }

    var websockets: [Socket]
    var requests: [Request]

    /// `send text hello`, `receive close 1001 going away`, `send ping 70726f6265`: an entry in words.
    static func words(_ entry: Entry) -> String {
        let kind = [1: "text", 2: "binary", 8: "close", 9: "ping", 10: "pong"][entry.opcode] ?? "opcode \(entry.opcode)"
        if entry.opcode == 8 { return "\(entry.dir) close \(entry.code ?? 0) \(entry.reason ?? "")" }
        return "\(entry.dir) \(kind) \(entry.text ?? entry.hex ?? "")"
    }

    /// A message hark reported, in the same words (text as text, other payloads in hex).
    static func words(_ message: ConnectionMessage) -> String {
        let dir = message.direction == .clientToServer ? "send" : "receive"
        if message.opcode == 8 { return "\(dir) close \(message.closeCode ?? 0) \(message.closeReason ?? "")" }
        let bytes = (try? message.payload.content.readAll()).map { Array($0.readableBytesView) } ?? []
        let payload = message.isText ? String(decoding: bytes, as: UTF8.self) : bytes.map { String(format: "%02x", $0) }.joined()
        return "\(dir) \(message.kind) \(payload)"
    }

    /// The payload size of a logged data or control message.
    static func size(_ entry: Entry) -> Int {
        if let text = entry.text { return text.utf8.count }
        if let hex = entry.hex { return hex.count / 2 }
        return entry.code == nil ? 0 : 2 + (entry.reason?.utf8.count ?? 0)
    }
}

/// Checks of one HTTP/2 connection of a WebSocket-over-HTTP/2 recording against its client's log.
enum H2WebSocketChecks {
    /// Every exchange and message of `connection` against `log`: the CONNECTs reported at their 2xx as
    /// `⇒ websocket` with their URL and extensions, each stream's messages in order with direction,
    /// opcode, payload, size and compression, linked to their CONNECT and stream, and in time order
    /// with the GET sent between them.
    static func check(_ recorder: SessionRecorder, connection: Int, log: H2WebSocketLog, scheme: String, port: Int) throws {
        let exchanges = recorder.exchanges.filter { $0.connection.id == connection }
        let messages = recorder.messages.filter { $0.connection.id == connection }
        // One exchange per stream, in stream order (each reported when complete: a CONNECT at its 2xx).
        let streams = (log.websockets.map(\.stream) + log.requests.map(\.stream)).sorted()
        #expect(exchanges.map(\.streamID) == streams)
        #expect(exchanges.map(\.id) == exchanges.map(\.id).sorted())
        #expect(exchanges.allSatisfy { $0.problems.isEmpty }, "\(exchanges.map(\.problems))")

        for request in log.requests {
            let exchange = try #require(exchanges.first { $0.streamID == request.stream })
            #expect(exchange.request.method == .get)
            #expect(exchange.request.url(server: exchange.connection.server) == "\(scheme)://127.0.0.1:\(port)\(request.path)")
            #expect(exchange.response?.status.rawValue == request.status)
            let body = (try? exchange.response?.body.content.readAll()).map { String(decoding: $0.readableBytesView, as: UTF8.self) }
            #expect(body == request.body)
            #expect(exchange.switchedTo == nil)
        }

        for socket in log.websockets {
            let exchange = try #require(exchanges.first { $0.streamID == socket.stream })
            #expect(exchange.request.method == .connect)
            #expect(exchange.request.url(server: exchange.connection.server) == "\(scheme)://127.0.0.1:\(port)\(socket.path)")
            #expect(exchange.response?.status.rawValue == socket.status)
            #expect(exchange.switchedTo == "websocket")
            #expect(exchange.response?.headers.first("sec-websocket-extensions") == socket.extensions)
            let response = try #require(exchange.response)

            let own = messages.filter { $0.streamID == UInt32(socket.stream) }
            // Direction, opcode and payload of every message, in the order the client saw them.
            #expect(own.map(H2WebSocketLog.words) == socket.messages.map(H2WebSocketLog.words), "stream \(socket.stream)")
            #expect(own.map(\.payload.length) == socket.messages.map(H2WebSocketLog.size))
            #expect(own.allSatisfy { $0.exchangeID == exchange.id && $0.applicationProtocol == .webSocket && $0.isExact })
            // permessage-deflate on the stream that negotiated it, for data messages only.
            let deflated = socket.extensions?.hasPrefix("permessage-deflate") == true
            for message in own {
                let compressed = message.payload.contentCodings == ["permessage-deflate"]
                #expect(compressed == (deflated && message.opcode < 8), "\(H2WebSocketLog.words(message).prefix(40))")
            }
            // Timing: after the 2xx, in order, packets known.
            #expect(own.allSatisfy { $0.firstByte >= response.firstByte && $0.lastByte >= $0.firstByte && $0.packets != nil })
            #expect(own.map(\.firstByte) == own.map(\.firstByte).sorted())
            if deflated {
                #expect(own.first { H2WebSocketLog.words($0) == "send text frag-ment-ed" }?.frameCount == 3)
                let zs = try #require(own.first { $0.payload.length == 20_000 && $0.direction == .clientToServer })
                #expect(zs.payload.wireBytes < 100, "\(zs.payload.wireBytes)")
            }
        }
        // Messages all belong to a logged stream; message ids in completion order.
        #expect(messages.allSatisfy { message in log.websockets.contains { UInt32($0.stream) == message.streamID } })
        #expect(messages.map(\.indexOnConnection) == Array(0..<messages.count))
        // The GET sent while both WebSockets were open lies between the /plain stream's pong and its tick 9.
        if let plain = log.websockets.first(where: { $0.path == "/plain" }),
            let middle = exchanges.first(where: { $0.request.target == "/while-open" })
        {
            let own = messages.filter { $0.streamID == UInt32(plain.stream) }
            let pong = try #require(own.first { $0.opcode == 10 })
            let tick = try #require(own.first { H2WebSocketLog.words($0).contains("\"n\": 9") })
            #expect(pong.lastByte <= middle.request.firstByte && middle.request.firstByte <= tick.firstByte)
        }
    }
}
