import HarkCore
import HarkHTTP1
import HarkTestSupport
import NIOCore
import Testing

/// The hand-off after `101 Switching Protocols` and after a 2xx to CONNECT.
@Suite struct HTTP1AnalyzerTunnelTests {
    @Test func upgradeHandsOffTheBytesAfterThe101InTheSameSegment() throws {
        let events = runAllWays([
            .client(CorpusMessages.dockerAttachRequest, at: 1),
            .server(CorpusMessages.dockerUpgradedResponse + "\u{1}\0\0\0\0\0\0\u{3}hi\n", at: 2),
            .client("ls\n", at: 3),
            .server("more output", at: 4),
            .gap(.serverToClient, 10, at: 5),
            .finish(.clientToServer, at: 6),
            .finish(.serverToClient, at: 6),
        ])
        guard events.count >= 2, case .exchange(let exchange) = events[0], case .tunnelOpened(let tunnel) = events[1]
        else {
            Issue.record("expected the exchange then the tunnel, got \(events)")
            return
        }
        #expect(exchange.response?.status == .switchingProtocols)
        #expect(exchange.response?.reason == "UPGRADED")
        #expect(tunnel.kind == .upgrade(protocol: "tcp"))
        #expect(tunnel.exchangeIndex == 0)
        #expect(tunnel.clientOffset == Int64(CorpusMessages.dockerAttachRequest.utf8.count))
        #expect(tunnel.serverOffset == Int64(CorpusMessages.dockerUpgradedResponse.utf8.count))
        #expect(events.tunnelText(.serverToClient) == "\u{1}\0\0\0\0\0\0\u{3}hi\nmore output")
        #expect(events.tunnelText(.clientToServer) == "ls\n")
        #expect(events.contains(.tunnelGap(.serverToClient, 10, ms(5))))
        #expect(events.suffix(2) == [.tunnelClosed(.clientToServer, ms(6)), .tunnelClosed(.serverToClient, ms(6))])
    }

    @Test func clientBytesSentBeforeTheAnswerAreHeldThenTunnelled() throws {
        // An h2c client that sends its preface without waiting for the 101.
        let preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
        let events = runAllWays([
            .client(
                wire(
                    "GET / HTTP/1.1",
                    "Host: a",
                    "Connection: Upgrade, HTTP2-Settings",
                    "Upgrade: h2c",
                    "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA",
                    "",
                    ""
                ) + preface,
                at: 1
            ),
            .server(
                wire("HTTP/1.1 101 Switching Protocols", "Connection: Upgrade", "Upgrade: h2c", "", "")
                    + "\0\0\0\u{4}\0\0\0\0\0",
                at: 2
            ),
        ])
        #expect(events.exchanges.count == 1)
        #expect(
            events.contains { if case .tunnelOpened(let t) = $0 { t.kind == .upgrade(protocol: "h2c") } else { false } }
        )
        #expect(events.tunnelText(.clientToServer) == preface)
        #expect(events.tunnelText(.serverToClient) == "\0\0\0\u{4}\0\0\0\0\0")
        #expect(events.diagnostics.isEmpty)
    }

    @Test func refusedUpgradeKeepsParsingHTTP() throws {
        let events = runAllWays([
            .client(
                wire("GET /chat HTTP/1.1", "Host: a", "Connection: Upgrade", "Upgrade: websocket", "", "")
                    + wire("GET /next HTTP/1.1", "Host: a", "", "")
            ),
            .server(
                wire("HTTP/1.1 400 Bad Request", "Content-Length: 0", "", "")
                    + wire("HTTP/1.1 200 OK", "Content-Length: 0", "", "")
            ),
        ])
        #expect(events.exchanges.map(\.request.target) == ["/chat", "/next"])
        #expect(events.exchanges.map { $0.response?.status.rawValue } == [400, 200])
        #expect(!events.contains { if case .tunnelOpened = $0 { true } else { false } })
    }

    @Test func connectTunnelCarriesTheRest() throws {
        let clientHello = "\u{16}\u{3}\u{1}\0\u{5}hello"
        let events = runAllWays([
            .client(CorpusMessages.connectRequest, at: 1),
            .server(CorpusMessages.connectResponse, at: 2),
            .client(clientHello, at: 3),
            .server("\u{16}\u{3}\u{3}\0\u{5}world", at: 4),
            .client(wire("GET / HTTP/1.1", "User-Agent: Victor/1.0", "", ""), at: 5),
        ])
        let exchange = try #require(events.exchanges.first)
        #expect(events.exchanges.count == 1)
        #expect(exchange.request.method == .connect)
        #expect(exchange.request.target == "abc:443")
        #expect(exchange.response?.body.framing == HTTP1Framing.none)
        #expect(
            events.contains {
                if case .tunnelOpened(let t) = $0 { t.kind == .connect(authority: "abc:443") } else { false }
            }
        )
        #expect(
            events.tunnelText(.clientToServer) == clientHello + wire("GET / HTTP/1.1", "User-Agent: Victor/1.0", "", "")
        )
        #expect(events.tunnelText(.serverToClient) == "\u{16}\u{3}\u{3}\0\u{5}world")
    }

    @Test func refusedConnectHasABodyAndKeepsHTTP() throws {
        let events = runAllWays([
            .client(CorpusMessages.connectRequest),
            .server(wire("HTTP/1.1 407 Proxy Authentication Required", "Content-Length: 4", "", "") + "deny"),
            .client(wire("GET / HTTP/1.1", "Host: abc", "", "")),
            .server(wire("HTTP/1.1 200 OK", "Content-Length: 0", "", "")),
        ])
        #expect(events.exchanges.map { $0.response?.status.rawValue } == [407, 200])
        #expect(events.exchanges.first?.response?.body.bytes.text == "deny")
    }
}
