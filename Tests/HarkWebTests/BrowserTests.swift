import Foundation
import HarkStore
import HarkTestSupport
import Testing

/// The page in a real browser: headless Chromium driven by selenium (Scripts/timeline-browser), on
/// `hark web` and on a `hark timeline` report.
@Suite(.serialized) struct BrowserTests {
    private static let canRun = WebTestSupport.browserIsAvailable && WebTestSupport.harkIsBuilt

    private static func temporaryFile(_ suffix: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("hark-web-\(UUID().uuidString)\(suffix)")
    }

    /// What a user checks on the bro.org page load: 13 connections in three server groups, 31 exchange
    /// bars, and a clicked exchange's headers.
    private func checkBroOrg(_ result: [String: Any]) throws {
        let page = result["page"] as? [String: Any] ?? [:]
        let tcpOracle = try OracleTable(contentsOf: OracleTable.beside(Fixtures.corpus("http1-browse-bro-org.pcap"), kind: "oracle-tcp"))
        let connections = page["connections"] as? [Int] ?? []
        #expect(connections.count == tcpOracle.rows.count, "one row per connection")
        #expect(Set(connections) == Set(tcpOracle.rows.compactMap { Int($0["tcp.stream"] ?? "") }))
        #expect(page["drawnConnections"] as? Int == 13)
        #expect(page["drawnExchanges"] as? Int == 31, "one bar per exchange")
        #expect((page["groups"] as? [String] ?? []).first == "bro.org (7)")
        let clicked = result["clicked"] as? [String: Any] ?? [:]
        let title = clicked["title"] as? String ?? ""
        #expect(title.hasPrefix("200 GET http://bro.org/"), "\(title)")
        let rows = clicked["rows"] as? [[String]] ?? []
        #expect(rows.contains(["Host", "bro.org"]), "request headers shown")
        #expect(rows.contains { $0.first == "Server" && $0.last?.hasPrefix("Apache") == true }, "response headers shown")
        #expect((result["console"] as? [Any])?.isEmpty == true, "no script errors: \(result["console"] ?? "")")
    }

    @Test(.enabled(if: canRun, "needs chromium, chromium-driver, python3-selenium and the built hark"))
    func servedPageShowsConnectionsExchangesAndDetails() throws {
        let server = try HarkWebProcess(arguments: [Fixtures.corpus("http1-browse-bro-org.pcap").path])
        try checkBroOrg(WebTestSupport.browse(server.url, click: 0))
    }

    /// The served page has a packet budget as a report has: past it packets are drawn aggregated, and
    /// the page says how many and how to draw them one by one.
    @Test(.enabled(if: canRun, "needs chromium, chromium-driver, python3-selenium and the built hark"))
    func servedPageSaysWhenPacketsAreAggregated() throws {
        let server = try HarkWebProcess(arguments: ["--max-packets", "100", Fixtures.corpus("http1-browse-bro-org.pcap").path])
        let page = try WebTestSupport.browse(server.url)["page"] as? [String: Any] ?? [:]
        let counts = page["counts"] as? String ?? ""
        #expect(counts.contains("packets drawn aggregated to keep the page fast (hark web --max-packets 100;"), "\(counts)")
        #expect(page["drawnExchanges"] as? Int == 31, "the exchanges are all drawn")
        let all = try HarkWebProcess(arguments: [Fixtures.corpus("http1-browse-bro-org.pcap").path])
        let full = try WebTestSupport.browse(all.url)["page"] as? [String: Any] ?? [:]
        #expect(!(full["counts"] as? String ?? "").contains("aggregated"), "under the default budget of 50,000 nothing is")
    }

    /// A QUIC connection's details give its QUIC facts, not TCP's counters and charts.
    @Test(.enabled(if: canRun, "needs chromium, chromium-driver, python3-selenium and the built hark"))
    func quicConnectionDetailsAreQUICs() throws {
        let server = try HarkWebProcess(arguments: [
            "--keylog", Fixtures.recorded("h3-aioquic-requests.keys").path, Fixtures.recorded("h3-aioquic-requests.pcap").path,
        ])
        let result = try WebTestSupport.browse(server.url, connection: 0)
        let text = (result["connection"] as? [String: Any])?["text"] as? String ?? ""
        #expect(text.contains("QUIC v1, 2 key updates, closed by the client"), "\(text)")
        #expect(!text.contains("QUIC QUIC"), "the QUIC row does not repeat its label: \(text)")
        #expect(text.contains("292 packets"), "\(text)")
        // Its packet count is QUIC's (43 + 292 UDP packets, 3 of which carried two QUIC packets), not the
        // TCP packet series' 0.
        #expect(text.contains("335 UDP packets carrying 338 QUIC packets"), "\(text)")
        #expect(!text.contains("retransmissions"), "\(text)")
        #expect(text.contains("QUIC runs over UDP"), "\(text)")
        #expect((result["console"] as? [Any])?.isEmpty == true, "no script errors: \(result["console"] ?? "")")
    }

    @Test(.enabled(if: canRun, "needs chromium, chromium-driver, python3-selenium and the built hark"))
    func reportFileShowsTheSameOffline() throws {
        let report = Self.temporaryFile(".html")
        defer { try? FileManager.default.removeItem(at: report) }
        let run = try WebTestSupport.run(
            WebTestSupport.harkBinary.path, ["timeline", Fixtures.corpus("http1-browse-bro-org.pcap").path, "-o", report.path]
        )
        #expect(run.status == 0)
        try checkBroOrg(WebTestSupport.browse(report.absoluteString, click: 0))
    }

    /// A capture is hostile input: markup in a URL, a header and a body must show as text and never run.
    @Test(.enabled(if: canRun, "needs chromium, chromium-driver, python3-selenium and the built hark"))
    func markupInTheCaptureRendersAsText() throws {
        let capture = Self.temporaryFile(".pcap")
        let report = Self.temporaryFile(".html")
        defer {
            try? FileManager.default.removeItem(at: capture)
            try? FileManager.default.removeItem(at: report)
        }
        let attack = "<script>window.harkInjected=true;document.title='pwned'</script><img src=x onerror=\"window.harkInjected=true\">"
        var conversation = TCPConversation()
        conversation.client(Array("GET /</script><script>window.harkInjected=true</script> HTTP/1.1\r\nHost: a.example\r\nX-Attack: \(attack)\r\n\r\n".utf8))
        let body = "</script>\(attack)"
        conversation.server(Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8))
        conversation.close()
        try Data(conversation.pcap.bytes).write(to: capture)
        #expect(try WebTestSupport.run(WebTestSupport.harkBinary.path, ["timeline", "--bodies", capture.path, "-o", report.path]).status == 0)
        let server = try HarkWebProcess(arguments: [capture.path])
        for url in [report.absoluteString, server.url] {
            let result = try WebTestSupport.browse(url, click: 0)
            for state in [result["page"], result["after"]] {
                let state = state as? [String: Any] ?? [:]
                #expect(state["injected"] as? Bool == false, "\(url): no capture script ran")
                #expect(state["title"] as? String == "hark timeline")
                #expect(state["scripts"] as? Int == 2, "only the page's own data and script elements")
                #expect(state["foreignElements"] as? Int == 0)
            }
            let clicked = result["clicked"] as? [String: Any] ?? [:]
            let rows = clicked["rows"] as? [[String]] ?? []
            #expect(rows.contains(["X-Attack", attack]), "\(url): the header shows as text")
            #expect((clicked["title"] as? String)?.contains("<script>window.harkInjected=true</script>") == true)
        }
    }

    /// WebSocket messages and gRPC messages as marks: as many as tshark finds, drawn on their rows.
    @Test(.enabled(if: canRun, "needs chromium, chromium-driver, python3-selenium and the built hark"))
    func messagesAreMarkedOnTheirRows() throws {
        for (capture, ws, grpc) in [(Fixtures.corpus("websocket-jupyter.pcap"), 14, 0), (Fixtures.recorded("grpc-swift2-calls.pcap"), 0, 22)] {
            let report = Self.temporaryFile(".html")
            defer { try? FileManager.default.removeItem(at: report) }
            #expect(try WebTestSupport.run(WebTestSupport.harkBinary.path, ["timeline", capture.path, "-o", report.path]).status == 0)
            let page = try WebTestSupport.browse(report.absoluteString)["page"] as? [String: Any] ?? [:]
            #expect(page["messageMarks"] as? Int == ws, "\(capture.lastPathComponent): WebSocket messages (tshark: \(ws))")
            #expect(page["grpcMarks"] as? Int == grpc, "\(capture.lastPathComponent): gRPC messages (tshark: \(grpc))")
            #expect(page["drawnMarks"] as? Int ?? 0 > 0, "\(capture.lastPathComponent): marks drawn")
            if grpc > 0 { #expect(page["drawnMarks"] as? Int == grpc, "every gRPC mark drawn on its bar") }
        }
    }

    /// The HAR entry a report's page builds for an exchange (reports carry no HAR of their own) is a
    /// valid HAR 1.2 log with the exchange's headers.
    @Test(.enabled(if: canRun && HARValidator.isAvailable, "needs chromium, chromium-driver, python3-selenium, the built hark and jsonschema"))
    func reportBuildsAValidHAREntry() throws {
        let report = Self.temporaryFile(".html")
        defer { try? FileManager.default.removeItem(at: report) }
        let capture = Fixtures.corpus("http1-browse-bro-org.pcap")
        #expect(try WebTestSupport.run(WebTestSupport.harkBinary.path, ["timeline", capture.path, "-o", report.path]).status == 0)
        let result = try WebTestSupport.browse(report.absoluteString, click: 0, har: true)
        let har = try #require(result["har"] as? [String: Any])
        let validation = try HARValidator.validate([UInt8](try JSONSerialization.data(withJSONObject: har)))
        #expect(validation.status == 0, "\(validation.errors)")
        let entry = ((har["log"] as? [String: Any])?["entries"] as? [[String: Any]])?.first ?? [:]
        let headers = (entry["request"] as? [String: Any])?["headers"] as? [[String: String]] ?? []
        #expect(headers.contains(["name": "Host", "value": "bro.org"]))
        #expect((entry["response"] as? [String: Any])?["status"] as? Int == 200)
    }

    /// With --bodies, a text body shows as text and an image as binary with its size, not as "empty".
    @Test(.enabled(if: canRun, "needs chromium, chromium-driver, python3-selenium and the built hark"))
    func bodyPreviewsSayTextOrBinary() throws {
        let capture = Fixtures.corpus("http1-browse-bro-org.pcap")
        let rows = try WebTestSupport.filledStore(capture).exchanges()
        var image: Int?
        var html: Int?
        rows.forEach { row in
            let type = row.responseContentType ?? ""
            if image == nil, type.hasPrefix("image/"), row.responseBodySize > 0 { image = row.id }
            if html == nil, type.hasPrefix("text/html"), row.responseBodySize > 0 { html = row.id }
        }
        let report = Self.temporaryFile(".html")
        defer { try? FileManager.default.removeItem(at: report) }
        #expect(try WebTestSupport.run(WebTestSupport.harkBinary.path, ["timeline", "--bodies", capture.path, "-o", report.path]).status == 0)
        let imageBody = try WebTestSupport.browse(report.absoluteString, select: try #require(image), tab: "Body")["tab"] as? String ?? ""
        #expect(imageBody.contains("[binary "), "\(imageBody)")
        let htmlBody = try WebTestSupport.browse(report.absoluteString, select: try #require(html), tab: "Body")["tab"] as? String ?? ""
        #expect(htmlBody.lowercased().contains("<html") || htmlBody.lowercased().contains("<!doctype"), "\(htmlBody.prefix(200))")
    }
}
