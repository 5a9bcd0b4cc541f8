import Foundation
import HarkModel
import HarkTestSupport
import Testing

@testable import HarkTUI

/// The screens as text at 80x24 and 160x48, against golden files reviewed by eye.
@Suite struct TUIScreenTests {
    static let captures: [(name: String, url: URL, keyLog: URL?)] = [
        ("http1", Fixtures.corpus("http1-browse-bro-org.pcap"), nil),
        ("h2", Fixtures.corpus("h2c-upgrade-range-206.pcap"), nil),
        ("grpc", Fixtures.recorded("grpc-swift2-calls.pcap"), nil),
        ("tls", Fixtures.corpus("tls12-http1-heise-keylog.pcap"), Fixtures.corpus("tls12-http1-heise-keylog.keys")),
    ]

    @Test(arguments: captures.indices)
    func listScreens(index: Int) throws {
        let capture = Self.captures[index]
        let model = try makeModel(capture.url, keyLog: capture.keyLog)
        try expectGolden(model.render(width: 80, height: 24), "list-\(capture.name)-80x24")
        try expectGolden(model.render(width: 160, height: 48), "list-\(capture.name)-160x48")
    }

    @Test(arguments: captures.indices)
    func detailTabs(index: Int) throws {
        let capture = Self.captures[index]
        let model = try makeModel(capture.url, keyLog: capture.keyLog)
        press(model, .character("j"), .enter)
        #expect(model.screen == .detail)
        #expect(!model.detailTabs.contains(.messages), "only WebSocket exchanges have messages")
        for (index, tab) in model.detailTabs.enumerated() {
            press(model, .character(Character(String(index + 1))))
            #expect(model.tab == tab)
            try expectGolden(model.render(width: 80, height: 24), "detail-\(capture.name)-\(index + 1)-80x24")
        }
        press(model, .character("1"))
        try expectGolden(model.render(width: 160, height: 48), "detail-\(capture.name)-1-160x48")
    }

    /// A WebSocket upgrade has a seventh tab with the connection's messages, each with its payload.
    @Test func webSocketMessagesTab() throws {
        let model = try makeModel(Fixtures.corpus("websocket-basic-text.pcap"))
        try expectGolden(model.render(width: 80, height: 24), "list-websocket-80x24")
        press(model, .enter)
        #expect(model.detailTabs.last == .messages)
        press(model, .character("7"))
        #expect(model.tab == .messages)
        try expectGolden(model.render(width: 80, height: 24), "detail-websocket-7-80x24")
        try expectGolden(model.render(width: 160, height: 48), "detail-websocket-7-160x48")
        // The tabs wrap around: from Messages, the next is Headers.
        press(model, .tab)
        #expect(model.tab == .headers)
    }

    /// Over HTTP/2 (RFC 8441) each WebSocket CONNECT has its Messages tab with its own stream's messages:
    /// `/plain` (stream 5) shows its 10, not those of `/chat` on stream 3 of the same connection.
    @Test func webSocketOverHTTP2MessagesTabShowsItsOwnStream() throws {
        let model = try makeModel(
            Fixtures.recorded("h2-websocket-hypercorn.pcap"), keyLog: Fixtures.recorded("h2-websocket-hypercorn.keys")
        )
        let list = model.render(width: 160, height: 48).lines.joined(separator: "\n")
        #expect(list.contains("/plain"), "\(list)")
        press(model, .character("j"), .character("j"), .enter)
        #expect(model.detailExchange?.request.target == "/plain")
        #expect(model.detailTabs.last == .messages)
        press(model, .character(Character(String(model.detailTabs.count))))
        #expect(model.tab == .messages)
        let screen = model.render(width: 160, height: 48).lines.joined(separator: "\n")
        #expect(screen.contains("10 messages"), "\(screen)")
        #expect(screen.contains("plain hello"))
        #expect(!screen.contains("hello over h2"))
        // Its Headers tab names the protocol the extended CONNECT asked for (RFC 8441 §4).
        press(model, .character("1"))
        let headers = model.render(width: 160, height: 48).lines.joined(separator: "\n")
        #expect(headers.contains("CONNECT /plain HTTP/2.0"), "\(headers)")
        #expect(headers.contains(":protocol: websocket"), "\(headers)")
    }

    /// An HTTP/3 exchange's Connection tab shows its QUIC connection's facts, not TCP's counters.
    @Test func http3ConnectionTabShowsQUIC() throws {
        let model = try makeModel(
            Fixtures.recorded("h3-aioquic-requests.pcap"), keyLog: Fixtures.recorded("h3-aioquic-requests.keys")
        )
        press(model, .enter)
        let tab = try #require(model.detailTabs.firstIndex(of: .connection))
        press(model, .character(Character(String(tab + 1))))
        let screen = model.render(width: 160, height: 48).lines.joined(separator: "\n")
        #expect(screen.contains("HTTP/3 stream 0"), "\(screen)")
        #expect(screen.contains("QUIC v1 decrypted, 2 key updates, closed by the client"), "\(screen)")
        #expect(screen.contains("server→client  292 packets"), "\(screen)")
        #expect(!screen.contains("retransmissions"))
        #expect(!screen.contains("TCP events"))
    }

    @Test func helpScreens() throws {
        let model = try makeModel(Fixtures.corpus("http1-browse-bro-org.pcap"))
        press(model, .character("?"))
        try expectGolden(model.render(width: 80, height: 24), "help-80x24")
        try expectGolden(model.render(width: 160, height: 48), "help-160x48")
        press(model, .character("x"))
        #expect(model.screen == .list)
    }
}
