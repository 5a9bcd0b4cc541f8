import HarkCore
import HarkHTTP2
import NIOCore
import Testing

/// RFC 8441 extended CONNECT: a stream switched to another protocol at its 2xx, its DATA handed on,
/// its ends reported; and the hostile or odd cases around it.
@Suite struct ExtendedConnectTests {
    /// The client's preface and SETTINGS, the server's SETTINGS with SETTINGS_ENABLE_CONNECT_PROTOCOL.
    private static let opening: [Step] = [
        .client(preface + frame(.settings, stream: 0), at: 0),
        .server(frame(.settings, stream: 0, settings([(.enableConnectProtocol, 1)])), at: 1),
    ]

    private static func connect(_ encoder: inout Encoder, stream: UInt32, path: String, method: String = "CONNECT",
        protocolName: String? = "websocket") -> [UInt8]
    {
        var fields = [(":method", method)]
        if let protocolName { fields.append((":protocol", protocolName)) }
        fields += [(":scheme", "http"), (":authority", "example.com"), (":path", path), ("sec-websocket-version", "13")]
        return frame(.headers, .endHeaders, stream: stream, encoder.block(fields))
    }

    private static func status(_ encoder: inout Encoder, stream: UInt32, _ code: String, extensions: String? = nil,
        endStream: Bool = false) -> [UInt8]
    {
        var fields = [(":status", code)]
        if let extensions { fields.append(("sec-websocket-extensions", extensions)) }
        return frame(.headers, endStream ? [.endHeaders, .endStream] : .endHeaders, stream: stream, encoder.block(fields))
    }

    private static func data(_ bytes: [UInt8], stream: UInt32, end: Bool = false) -> [UInt8] {
        frame(.data, end ? .endStream : [], stream: stream, bytes)
    }

    private static func switched(_ events: [HTTP2Event]) -> [(HTTP2Exchange, String)] {
        events.compactMap { if case .streamSwitched(let exchange, let name) = $0 { (exchange, name) } else { nil } }
    }

    private static func data(_ events: [HTTP2Event], stream: UInt32, _ direction: Direction) -> [UInt8] {
        events.flatMap { event -> [UInt8] in
            guard case .streamData(stream, direction, let bytes, _) = event else { return [] }
            return Array(bytes.readableBytesView)
        }
    }

    private static func ends(_ events: [HTTP2Event]) -> [String] {
        events.compactMap {
            guard case .streamEnded(let id, let direction, let time, let end) = $0 else { return nil }
            return "\(id) \(direction) \(time.nanoseconds / 1_000_000) \(end.description)"
        }
    }

    @Test func anAcceptedExtendedConnectIsReportedAtItsResponseAndItsDataHandedOn() {
        var client = Encoder()
        var server = Encoder()
        let script = Self.opening + [
            .client(Self.connect(&client, stream: 3, path: "/chat"), at: 10),
            .server(Self.status(&server, stream: 3, "200", extensions: "permessage-deflate"), at: 12),
            .client(Self.data([0x81, 0x82, 1, 2, 3, 4, 0x69, 0x6b], stream: 3), at: 20),
            .server(Self.data([0x81, 0x02, 0x68], stream: 3) + Self.data([0x69], stream: 3), at: 21),
            // An ordinary request between the WebSocket's frames is its own exchange.
            .client(frame(.headers, [.endHeaders, .endStream], stream: 5,
                client.block([(":method", "GET"), (":scheme", "http"), (":authority", "example.com"), (":path", "/x")])), at: 22),
            .server(Self.status(&server, stream: 5, "204", endStream: true), at: 23),
            .client(Self.data([0x88, 0x80, 0, 0, 0, 0], stream: 3, end: true), at: 30),
            .server(Self.data([0x88, 0x00], stream: 3, end: true), at: 31),
            .server(Self.data([0x81, 0x00], stream: 3), at: 32),
        ]
        let events = runAllWays(script)
        let switched = Self.switched(events)
        #expect(switched.count == 1)
        let (exchange, name) = switched[0]
        #expect(name == "websocket")
        #expect(exchange.streamID == 3)
        #expect(exchange.request?.method == .connect)
        #expect(exchange.request?.head.pseudo(":protocol") == "websocket")
        #expect(exchange.response?.status?.rawValue == 200)
        #expect(exchange.response?.headers.first("sec-websocket-extensions") == "permessage-deflate")
        #expect(exchange.issues.isEmpty, "a switched exchange is whole at its 2xx: \(exchange.issues)")
        // The exchange comes before the stream's bytes, the bytes in order, each side's END_STREAM once.
        let firstData = events.firstIndex { if case .streamData = $0 { true } else { false } }
        let switchIndex = events.firstIndex { if case .streamSwitched = $0 { true } else { false } }
        #expect(switchIndex != nil && firstData != nil && switchIndex! < firstData!)
        #expect(Self.data(events, stream: 3, .clientToServer) == [0x81, 0x82, 1, 2, 3, 4, 0x69, 0x6b, 0x88, 0x80, 0, 0, 0, 0])
        #expect(Self.data(events, stream: 3, .serverToClient) == [0x81, 0x02, 0x68, 0x69, 0x88, 0x00])
        #expect(Self.ends(events) == ["3 client→server 30 the stream ended", "3 server→client 31 the stream ended"])
        // No second exchange for stream 3; stream 5 is an ordinary one. DATA after the stream closed
        // is not handed on.
        #expect(events.exchanges.map(\.streamID) == [5])
        #expect(events.diagnostics.isEmpty, "\(events.diagnostics)")
    }

    @Test func dataAfterEndStreamIsDroppedWithADiagnostic() {
        var client = Encoder()
        var server = Encoder()
        let script = Self.opening + [
            .client(Self.connect(&client, stream: 1, path: "/chat"), at: 10),
            .server(Self.status(&server, stream: 1, "200"), at: 11),
            .server(Self.data([0x81, 0x01, 0x61], stream: 1, end: true), at: 12),
            .server(Self.data([0x81, 0x01, 0x62], stream: 1), at: 13),
            .client(Self.data([0x81, 0x81, 0, 0, 0, 0, 0x63], stream: 1), at: 14),
            .finish(at: 20),
        ]
        let events = runAllWays(script)
        #expect(Self.data(events, stream: 1, .serverToClient) == [0x81, 0x01, 0x61])
        #expect(Self.data(events, stream: 1, .clientToServer) == [0x81, 0x81, 0, 0, 0, 0, 0x63])
        let diagnostics = events.diagnostics
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.kind == .dataAfterEndStream)
        #expect(diagnostics.first?.streamID == 1)
        #expect(diagnostics.first?.direction == .serverToClient)
        #expect(diagnostics.first?.description.contains("DATA after the sender's END_STREAM, dropped (3 bytes)") == true)
        // The client's side ends with the connection.
        #expect(Self.ends(events) == ["1 server→client 12 the stream ended", "1 client→server 20 the connection ended"])
        #expect(events.exchanges.isEmpty)
    }

    @Test func anOrdinaryStreamsDataAfterEndStreamIsNotAddedToItsBody() {
        var client = Encoder()
        let script: [Step] = Self.opening + [
            .client(frame(.headers, .endHeaders, stream: 1,
                client.block([(":method", "POST"), (":scheme", "http"), (":authority", "a"), (":path", "/")])), at: 10),
            .client(Self.data(Array("body".utf8), stream: 1, end: true), at: 11),
            .client(Self.data(Array("more".utf8), stream: 1), at: 12),
            .finish(at: 20),
        ]
        let events = runAllWays(script)
        #expect(events.exchanges.first?.request?.body.bytes.count == 4)
        #expect(events.diagnostics.map(\.kind) == [.dataAfterEndStream])
    }

    @Test func a2xxWithoutProtocolOrToAnotherMethodSwitchesNothing() {
        var client = Encoder()
        var server = Encoder()
        let frameBytes: [UInt8] = [0x81, 0x02, 0x68, 0x69]
        let script = Self.opening + [
            // A plain CONNECT (no :protocol) answered 200: a tunnel hark does not open; its DATA stays a body.
            .client(Self.connect(&client, stream: 1, path: "/chat", protocolName: nil), at: 10),
            .server(Self.status(&server, stream: 1, "200"), at: 11),
            .server(Self.data(frameBytes, stream: 1, end: true), at: 12),
            .client(Self.data([], stream: 1, end: true), at: 13),
            // :protocol on a GET (RFC 8441 §4 allows it on CONNECT only).
            .client(Self.connect(&client, stream: 3, path: "/chat", method: "GET"), at: 14),
            .server(Self.status(&server, stream: 3, "200"), at: 15),
            .server(Self.data(frameBytes, stream: 3, end: true), at: 16),
            .client(Self.data([], stream: 3, end: true), at: 17),
            // An extended CONNECT refused with 404.
            .client(Self.connect(&client, stream: 5, path: "/nope"), at: 18),
            .server(Self.status(&server, stream: 5, "404"), at: 19),
            .server(Self.data(Array("not found".utf8), stream: 5, end: true), at: 20),
            .client(Self.data([], stream: 5, end: true), at: 21),
        ]
        let events = runAllWays(script)
        #expect(Self.switched(events).isEmpty)
        #expect(!events.contains { if case .streamData = $0 { true } else { false } })
        let exchanges = events.exchanges
        #expect(exchanges.map(\.streamID) == [1, 3, 5])
        #expect(exchanges.map { $0.response?.body.bytes.count } == [4, 4, 9])
        #expect(exchanges.allSatisfy { $0.issues.isEmpty })
        #expect(events.diagnostics.isEmpty)
    }

    @Test func aResetMidMessageEndsBothSidesWithAWarning() {
        var client = Encoder()
        var server = Encoder()
        let script = Self.opening + [
            .client(Self.connect(&client, stream: 1, path: "/chat"), at: 10),
            .server(Self.status(&server, stream: 1, "200"), at: 11),
            // The first frame of a fragmented message, then RST_STREAM CANCEL from the client.
            .server(Self.data([0x01, 0x02, 0x68, 0x69], stream: 1), at: 12),
            .client(frame(.rstStream, stream: 1, be32(8)), at: 13),
            .server(Self.data([0x80, 0x01, 0x21], stream: 1), at: 14),
            .finish(at: 20),
        ]
        let events = runAllWays(script)
        #expect(Self.data(events, stream: 1, .serverToClient) == [0x01, 0x02, 0x68, 0x69])
        #expect(Self.ends(events) == [
            "1 client→server 13 the stream was reset (CANCEL) by the client",
            "1 server→client 13 the stream was reset (CANCEL) by the client",
        ])
        let diagnostics = events.diagnostics
        #expect(diagnostics.map(\.kind) == [.switchedStreamReset(.cancel)])
        #expect(diagnostics.first?.severity == .warning)
        #expect(events.exchanges.isEmpty)
    }

    @Test func aGapInASwitchedStreamsDataIsHandedOn() {
        var client = Encoder()
        var server = Encoder()
        let cut = Self.data(Array(repeating: 0x61, count: 40), stream: 1)
        let script = Self.opening + [
            .client(Self.connect(&client, stream: 1, path: "/chat"), at: 10),
            .server(Self.status(&server, stream: 1, "200"), at: 11),
            .server(Array(cut.prefix(20)), at: 12),
            .gap(.serverToClient, cut.count - 20, at: 13),
            .server(Self.data([0x81, 0x00], stream: 1), at: 14),
            .finish(at: 20),
        ]
        let events = run(script, feeding: .whole)
        let gaps = events.compactMap { event -> String? in
            guard case .streamGap(let id, let direction, let length, _) = event else { return nil }
            return "\(id) \(direction) \(length)"
        }
        #expect(gaps == ["1 server→client 40"])
        #expect(Self.data(events, stream: 1, .serverToClient) == [0x81, 0x00])
    }

    @Test func switchedStreamsOpenAtTheEndEndWithTheConnection() {
        var client = Encoder()
        var server = Encoder()
        let script = Self.opening + [
            .client(Self.connect(&client, stream: 1, path: "/a"), at: 10),
            .server(Self.status(&server, stream: 1, "200"), at: 11),
            .client(Self.connect(&client, stream: 3, path: "/b"), at: 12),
            .server(Self.status(&server, stream: 3, "200"), at: 13),
            .client(Self.data([0x81, 0x80, 0, 0, 0, 0], stream: 3, end: true), at: 14),
            .finish(at: 20),
        ]
        let events = runAllWays(script)
        #expect(Self.switched(events).map(\.0.streamID) == [1, 3])
        #expect(Self.ends(events) == [
            "3 client→server 14 the stream ended",
            "1 client→server 20 the connection ended",
            "1 server→client 20 the connection ended",
            "3 server→client 20 the connection ended",
        ])
        #expect(events.exchanges.isEmpty)
    }
}
