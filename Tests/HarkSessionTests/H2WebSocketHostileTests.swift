import Foundation
import HarkCore
import HarkModel
import HarkSession
import HarkTestSupport
import NIOCore
import Testing

/// WebSocket over HTTP/2 gone wrong, through the whole session: a reset in the middle of a message,
/// DATA after END_STREAM, a 2xx to a CONNECT without `:protocol` carrying WebSocket-looking bytes.
/// Each is said (a diagnostic, or the message's problem), nothing else is disturbed, nothing crashes.
struct H2WebSocketHostileTests {
    /// One HTTP/2 frame.
    private static func frame(_ type: UInt8, _ flags: UInt8 = 0, stream: UInt32, _ payload: [UInt8] = []) -> [UInt8] {
        let length = UInt32(payload.count)
        let header: [UInt8] = [UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), type, flags]
        let id: [UInt8] = [UInt8(stream >> 24 & 0x7f), UInt8(stream >> 16 & 0xff), UInt8(stream >> 8 & 0xff), UInt8(stream & 0xff)]
        return header + id + payload
    }

    /// A header block of literal fields without indexing (RFC 7541 §6.2.2, new names), no Huffman.
    private static func block(_ fields: [(String, String)]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (name, value) in fields {
            bytes.append(0x00)
            bytes.append(UInt8(name.utf8.count))
            bytes += Array(name.utf8)
            bytes.append(UInt8(value.utf8.count))
            bytes += Array(value.utf8)
        }
        return bytes
    }

    private static let endStream: UInt8 = 0x1
    private static let endHeaders: UInt8 = 0x4

    private static func headers(stream: UInt32, _ fields: [(String, String)], end: Bool = false) -> [UInt8] {
        frame(0x1, endHeaders | (end ? endStream : 0), stream: stream, block(fields))
    }

    private static func connect(stream: UInt32, protocolName: String?) -> [UInt8] {
        var fields = [(":method", "CONNECT")]
        if let protocolName { fields += [(":protocol", protocolName), (":scheme", "http"), (":path", "/chat")] }
        fields += [(":authority", "example.com"), ("sec-websocket-version", "13")]
        return headers(stream: stream, fields)
    }

    /// A masked client frame (mask 0) or an unmasked server frame.
    private static func webSocketFrame(fin: Bool, opcode: UInt8, _ text: String, masked: Bool) -> [UInt8] {
        let payload = Array(text.utf8)
        let first: UInt8 = (fin ? 0x80 : 0) | opcode
        let second: UInt8 = (masked ? 0x80 : 0) | UInt8(payload.count)
        let mask: [UInt8] = masked ? [0, 0, 0, 0] : []
        return [first, second] + mask + payload
    }

    @Test func aResetMidMessageDataAfterEndStreamAndAPlainConnectAreSaidNotFatal() throws {
        var conversation = TCPConversation()
        conversation.client(Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + Self.frame(0x4, stream: 0))
        conversation.server(Self.frame(0x4, stream: 0, [0, 8, 0, 0, 0, 1]))  // SETTINGS_ENABLE_CONNECT_PROTOCOL = 1
        // Stream 1: a WebSocket reset by the client while the server's message is half sent.
        conversation.client(Self.connect(stream: 1, protocolName: "websocket"))
        conversation.server(Self.headers(stream: 1, [(":status", "200")]))
        conversation.client(Self.frame(0x0, stream: 1, Self.webSocketFrame(fin: true, opcode: 1, "hi", masked: true)))
        conversation.server(Self.frame(0x0, stream: 1, Self.webSocketFrame(fin: false, opcode: 1, "part one, ", masked: false)))
        conversation.client(Self.frame(0x3, stream: 1, [0, 0, 0, 8]))  // RST_STREAM CANCEL
        // Stream 3: CONNECT without :protocol answered 200, then WebSocket-looking bytes: a body, no messages.
        conversation.client(Self.connect(stream: 3, protocolName: nil))
        conversation.server(Self.headers(stream: 3, [(":status", "200")]))
        conversation.server(Self.frame(0x0, Self.endStream, stream: 3, Self.webSocketFrame(fin: true, opcode: 1, "not a message", masked: false)))
        conversation.client(Self.frame(0x0, Self.endStream, stream: 3))
        // Stream 5: the server ends its side, then sends more.
        conversation.client(Self.connect(stream: 5, protocolName: "websocket"))
        conversation.server(Self.headers(stream: 5, [(":status", "200")]))
        conversation.server(Self.frame(0x0, Self.endStream, stream: 5, Self.webSocketFrame(fin: true, opcode: 1, "last", masked: false)))
        conversation.server(Self.frame(0x0, stream: 5, Self.webSocketFrame(fin: true, opcode: 1, "after the end", masked: false)))
        conversation.client(Self.frame(0x0, Self.endStream, stream: 5, Self.webSocketFrame(fin: true, opcode: 8, "", masked: true)))
        conversation.close()
        let (recorder, _) = try runSession(bytes: conversation.pcap.bytes, name: "h2-websocket-hostile.pcap")

        #expect(recorder.exchanges.map(\.streamID) == [1, 3, 5])
        #expect(recorder.exchanges.map(\.switchedTo) == ["websocket", nil, "websocket"])
        let plain = try #require(recorder.exchanges.first { $0.streamID == 3 })
        #expect(plain.response?.body.length == 15)
        #expect(plain.problems.isEmpty, "\(plain.problems)")

        let described = recorder.messages.map { message in
            let payload = (try? message.payload.content.readAll()).map { String(decoding: $0.readableBytesView, as: UTF8.self) } ?? ""
            let side = message.direction == .clientToServer ? "client" : "server"
            return "\(message.streamID ?? 0) \(side) \(message.kind) \(payload) \(message.payload.decodingError ?? "exact")"
        }
        #expect(described == [
            "1 client text hi exact",
            "1 server text part one,  the stream was reset (CANCEL) by the client before its final frame",
            "5 server text last exact",
            "5 client close  exact",
        ])
        #expect(recorder.messages.first { $0.streamID == 1 && $0.direction == .serverToClient }?.payload.isComplete == false)
        let words = recorder.diagnostics.map { "\($0.severity) \($0.message)" }
        #expect(words == [
            "warning HTTP/2: client→server offset 174 stream 1: stream carrying another protocol reset (CANCEL)",
            "error HTTP/2: server→client offset 141 stream 5: DATA after the sender's END_STREAM, dropped (15 bytes)",
        ], "\(words)")
    }
}
