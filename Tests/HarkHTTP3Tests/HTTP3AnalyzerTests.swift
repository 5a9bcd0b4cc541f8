import HarkCore
import Testing

@testable import HarkHTTP3

/// Request streams, control and encoder streams, blocked sections and hostile frames through the
/// analyzer.
@Suite struct HTTP3AnalyzerTests {
    static let time = Timestamp(nanoseconds: 0)
    /// Stream bytes from hex, as the QUIC layer hands them on (a slice).
    static func bytes(_ hex: String) -> ArraySlice<UInt8> { QPACKExampleTests.bytes(hex)[...] }

    /// Feeds `steps` and ends the connection; returns the exchanges and diagnostics.
    static func run(_ steps: [(stream: UInt64, direction: Direction, hex: String, fin: Bool)]) -> ([HTTP3Exchange], [String]) {
        var analyzer = HTTP3Analyzer()
        var exchanges: [HTTP3Exchange] = []
        var diagnostics: [String] = []
        func take(_ event: HTTP3Event) {
            switch event {
            case .exchange(let exchange): exchanges.append(exchange)
            case .diagnostic(let text, _): diagnostics.append(text)
            }
        }
        for step in steps {
            analyzer.receive(streamID: step.stream, direction: step.direction, bytes: bytes(step.hex), at: time) { take($0) }
            if step.fin { analyzer.finish(streamID: step.stream, direction: step.direction, at: time) { take($0) } }
        }
        analyzer.finishConnection(at: time) { take($0) }
        return (exchanges, diagnostics)
    }

    /// The server's control stream: type 0, SETTINGS with QPACK_MAX_TABLE_CAPACITY 220.
    static let serverSettings = (stream: UInt64(3), direction: Direction.serverToClient, hex: "00 04 03 01 40dc", fin: false)
    /// The client's encoder stream: type 2, then RFC 9204 B.2's inserts.
    static let clientInserts = (
        stream: UInt64(2), direction: Direction.clientToServer,
        hex: "02 3fbd01 c00f 7777 772e 6578 616d 706c 652e 636f 6d c1 0c2f 7361 6d70 6c65 2f70 6174 68", fin: false
    )

    @Test func aRequestUsingTheDynamicTableIsDecoded() {
        let (exchanges, diagnostics) = Self.run([
            Self.serverSettings, Self.clientInserts,
            // HEADERS (B.2's section plus :method GET, static 17 → 0xd1), then FIN.
            (0, .clientToServer, "01 05 0381 10 11 d1", true),
            // HEADERS :status 200 (static 25 → 0xd9), DATA "hi", FIN.
            (0, .serverToClient, "01 03 0000 d9 00 02 6869", true),
        ])
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(exchanges.count == 1)
        let exchange = exchanges.first
        #expect(exchange?.request?.authority == "www.example.com")
        #expect(exchange?.request?.path == "/sample/path")
        #expect(exchange?.request?.method == "GET")
        #expect(exchange?.response?.status == 200)
        #expect(exchange?.response?.body.length == 2)
        #expect(exchange?.issues.isEmpty == true)
    }

    @Test func aSectionThatArrivesBeforeItsInsertsWaitsForThem() {
        let (exchanges, _) = Self.run([
            Self.serverSettings,
            (0, .clientToServer, "01 05 0381 10 11 d1", true),
            (0, .serverToClient, "01 03 0000 d9", true),
            Self.clientInserts,
        ])
        #expect(exchanges.count == 1)
        #expect(exchanges.first?.request?.path == "/sample/path")
        #expect(exchanges.first?.issues.isEmpty == true)
    }

    @Test func messagesKnowThePacketsOfTheirFirstAndLastBytes() {
        var analyzer = HTTP3Analyzer()
        let clock = PacketClock()
        analyzer.packetClock = clock
        var exchanges: [HTTP3Exchange] = []
        let take: (HTTP3Event) -> Void = { if case .exchange(let exchange) = $0 { exchanges.append(exchange) } }
        let steps: [(packet: Int, stream: UInt64, direction: Direction, hex: String, fin: Bool)] = [
            (1, Self.serverSettings.stream, Self.serverSettings.direction, Self.serverSettings.hex, false),
            // The request's HEADERS split over packets 2 and 3; it needs inserts that come in packet 6.
            (2, 0, .clientToServer, "01 05 03", false),
            (3, 0, .clientToServer, "81 10 11 d1", true),
            // The response: HEADERS and the first DATA byte in packet 4, the last in packet 5.
            (4, 0, .serverToClient, "01 03 0000 d9 00 02 68", false),
            (5, 0, .serverToClient, "69", true),
            (6, Self.clientInserts.stream, Self.clientInserts.direction, Self.clientInserts.hex, false),
        ]
        for step in steps {
            clock.with(step.packet) {
                analyzer.receive(streamID: step.stream, direction: step.direction, bytes: Self.bytes(step.hex), at: Self.time, emit: take)
                if step.fin { analyzer.finish(streamID: step.stream, direction: step.direction, at: Self.time, emit: take) }
            }
        }
        #expect(exchanges.count == 1)
        #expect(exchanges.first?.request?.path == "/sample/path")
        #expect(exchanges.first.map { [$0.request?.firstPacket, $0.request?.lastPacket] } == [2, 3])
        #expect(exchanges.first.map { [$0.response?.firstPacket, $0.response?.lastPacket] } == [4, 5])
    }

    @Test func insertsThatNeverComeLeaveTheRequestUndecodedWithAReason() {
        let (exchanges, _) = Self.run([
            Self.serverSettings,
            (0, .clientToServer, "01 05 0381 10 11 d1", true),
            (0, .serverToClient, "01 03 0000 d9", true),
        ])
        #expect(exchanges.count == 1)
        #expect(exchanges.first?.request == nil)
        #expect(exchanges.first?.response?.status == 200)
        #expect(exchanges.first?.issues.contains { $0.contains("QPACK inserts they need were not captured") } == true)
    }

    @Test func hostileFramesAreSkippedOrReportedNotTrusted() {
        let (exchanges, diagnostics) = Self.run([
            Self.serverSettings,
            // A HEADERS frame claiming 2^40 bytes: skipped as too long, never buffered.
            (0, .clientToServer, "01 c0000100 00000000 0102", true),
            // A reference to dynamic entry 7 of an empty table.
            (4, .clientToServer, "01 03 0000 87", true),
            (4, .serverToClient, "01 03 0000 d9", true),
            // DATA before HEADERS.
            (8, .clientToServer, "00 01 41", true),
        ])
        #expect(exchanges.count == 3)
        let four = exchanges.first { $0.streamID == 4 }
        #expect(four?.issues.contains { $0.contains("request headers not decoded") } == true)
        #expect(diagnostics.contains { $0.contains("DATA before HEADERS") })
        #expect(diagnostics.contains { $0.hasPrefix("QPACK:") })
    }

    @Test func aGapInsideDataIsMissingBodyAndAGapInTheFramingStopsTheSide() {
        var analyzer = HTTP3Analyzer()
        var exchanges: [HTTP3Exchange] = []
        let take: (HTTP3Event) -> Void = { if case .exchange(let exchange) = $0 { exchanges.append(exchange) } }
        analyzer.receive(streamID: 0, direction: .clientToServer, bytes: Self.bytes("01 03 0000 d1"), at: Self.time, emit: take)
        analyzer.finish(streamID: 0, direction: .clientToServer, at: Self.time, emit: take)
        // The response: HEADERS, DATA of 10 bytes of which 6 are lost.
        analyzer.receive(streamID: 0, direction: .serverToClient, bytes: Self.bytes("01 03 0000 d9 00 0a 41 42"), at: Self.time, emit: take)
        analyzer.gap(streamID: 0, direction: .serverToClient, length: 6, at: Self.time, emit: take)
        analyzer.receive(streamID: 0, direction: .serverToClient, bytes: Self.bytes("43 44"), at: Self.time, emit: take)
        analyzer.finish(streamID: 0, direction: .serverToClient, at: Self.time, emit: take)
        #expect(exchanges.count == 1)
        #expect(exchanges.first?.response?.body.length == 4)
        #expect(exchanges.first?.response?.body.missingBytes == 6)
        #expect(exchanges.first?.issues == ["6 body bytes lost in capture"])
    }
}
