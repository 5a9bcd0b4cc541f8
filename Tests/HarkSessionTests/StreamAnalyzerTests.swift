import HarkCore
import HarkHTTP1
import HarkModel
import HarkWebSocket
import NIOCore
import Testing

@testable import HarkSession

/// A connection's protocol stack: detection, HTTP/1, and protocols re-detected inside tunnels.
struct StreamAnalyzerTests {
    private struct Recorded {
        var detected: [ApplicationProtocol] = []
        var upgraded: [ApplicationProtocol] = []
        var exchanges: [HTTP1Exchange] = []
        var switchedTo: [String] = []
        var webSocketMessages: [String] = []
        var cuts: [String] = []
    }

    private func run(_ steps: [(Direction, String)]) -> Recorded {
        var analyzer = StreamAnalyzer.start(midStream: false)
        var recorded = Recorded()
        let emit = { (event: StreamAnalyzerEvent) in
            switch event {
            case .detected(let found): recorded.detected.append(found)
            case .upgraded(let found): recorded.upgraded.append(found)
            case .http1(.exchange(let exchange)): recorded.exchanges.append(exchange)
            case .switched(let exchange, let name):
                recorded.exchanges.append(exchange)
                recorded.switchedTo.append(name)
            case .webSocket(.message(let message), _):
                let payload = (try? message.payload.readAll()) ?? ByteBuffer()
                recorded.webSocketMessages.append(String(decoding: payload.readableBytesView, as: UTF8.self))
            case .cut(let what): recorded.cuts.append(what)
            case .http1, .http2, .switchedStream, .tlsSession, .tls, .webSocket, .fastCGI, .clientIsTheMaskingSide: break
            }
        }
        for (index, (direction, text)) in steps.enumerated() {
            let time = Timestamp(nanoseconds: Int64(index) * 1_000_000)
            analyzer.receive(ByteBuffer(string: text), from: direction, at: time, emit: emit)
        }
        let end = Timestamp(nanoseconds: Int64(steps.count) * 1_000_000)
        analyzer.finish(.serverToClient, at: end, emit: emit)
        analyzer.finish(.clientToServer, at: end, emit: emit)
        return recorded
    }

    @Test func httpInsideAConnectTunnelStartingWithAStrayLineEnd() throws {
        // As in http1-connect-proxy.pcap: each message is followed by a stray LF, so the tunnel's
        // bytes start with one in both directions.
        let recorded = run([
            (.clientToServer, "CONNECT abc:443 HTTP/1.1\r\nUser-Agent: Victor/1.0\r\n\r\n\n"),
            (.serverToClient, "HTTP/1.1 200 OK\r\nServer: VictorServer/1.0\r\n\r\n\n"),
            (.clientToServer, "GET / HTTP/1.1\r\nUser-Agent: Victor/1.0\r\n\r\n\n"),
            (.serverToClient, "HTTP/1.1 200 OK\r\nServer: VictorServer/1.0\r\n\r\n"),
        ])
        #expect(recorded.detected == [.http1, .http1])
        #expect(recorded.exchanges.map(\.request.method) == [.connect, .get])
        #expect(recorded.exchanges.map { $0.response?.status } == [.ok, .ok])
    }

    @Test func tlsInsideAConnectTunnelIsNotTakenForHTTP() {
        let recorded = run([
            (.clientToServer, "CONNECT abc:443 HTTP/1.1\r\nHost: abc:443\r\n\r\n"),
            (.serverToClient, "HTTP/1.1 200 Connection established\r\n\r\n"),
            (.clientToServer, "\u{16}\u{03}\u{01}\u{00}\u{05}hello"),
        ])
        #expect(recorded.detected == [.http1, .tls])
        #expect(recorded.exchanges.map(\.request.method) == [.connect])
    }

    // The frame is a non-final text frame (0x01) so that its first byte is one UTF-8 byte; the
    // connection's end reports it incomplete, with its payload.
    @Test func aWebSocketUpgradeSaysWhatItSwitchedToAndReadsTheFrames() {
        let recorded = run([
            (.clientToServer, "GET /chat HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"),
            (.serverToClient, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u{1}\u{02}hi"),
        ])
        #expect(recorded.detected == [.http1])
        #expect(recorded.upgraded == [.webSocket])
        #expect(recorded.switchedTo == ["websocket"])
        #expect(recorded.exchanges.map { $0.response?.status } == [.switchingProtocols])
        #expect(recorded.webSocketMessages == ["hi"])
    }

    @Test func anH2CUpgradeSaysWhatItSwitchedTo() {
        let recorded = run([
            (.clientToServer, "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n"),
            (.serverToClient, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"),
        ])
        #expect(recorded.upgraded == [.http2])
        #expect(recorded.switchedTo == ["h2c"])
    }

    // Issue #16 hole 1: 1,400 nested CONNECTs in one segment each way crashed the stack (one recursion
    // per level). The depth cap opens 8 tunnels, reports the cut once, and answers the rest opaquely.
    @Test func connectTunnelsNestedThousandsDeepInOneSegmentAreCutAtTheCap() {
        let levels = 1_400
        let recorded = run([
            (.clientToServer, String(repeating: "CONNECT a:1 HTTP/1.1\r\n\r\n", count: levels)),
            (.serverToClient, String(repeating: "HTTP/1.1 200 OK\r\n\r\n", count: levels)),
        ])
        #expect(recorded.exchanges.count == StackSettings.maxNesting + 1)
        #expect(recorded.cuts.count == 1)
        #expect(recorded.cuts.first?.contains("CONNECT tunnel nested inside 8 other layers") == true)
    }

    // Issue #16 hole 2: the same nesting one CONNECT per segment walked every level for every segment.
    @Test func connectTunnelsNestedOnePerSegmentStopAtTheCap() {
        var steps: [(Direction, String)] = []
        for _ in 0..<3_000 {
            steps.append((.clientToServer, "CONNECT a:1 HTTP/1.1\r\n\r\n"))
            steps.append((.serverToClient, "HTTP/1.1 200 OK\r\n\r\n"))
        }
        let recorded = run(steps)
        #expect(recorded.exchanges.count == StackSettings.maxNesting + 1)
        #expect(recorded.cuts.count == 1)
    }
}
