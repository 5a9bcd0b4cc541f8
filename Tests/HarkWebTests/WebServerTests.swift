import Foundation
import HarkTestSupport
import HarkWeb
import Testing

/// The server's access rules, checked with curl against a real server on loopback.
@Suite struct WebServerTests {
    private static let curlIsInstalled = FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")

    @Test(.enabled(if: curlIsInstalled, "needs curl"))
    func refusesRequestsWithoutTheTokenOrFromOtherSites() throws {
        let store = try WebTestSupport.filledStore(Fixtures.corpus("http1-browse-bro-org.pcap"))
        let server = try WebServer.start(provider: StoreTimeline(store: store, source: "bro", live: false))
        defer { server.close() }
        let base = "http://127.0.0.1:\(server.port)"
        let token = server.access.token
        #expect(token.count == 64)

        // The token is required on every route, the live channel included.
        #expect(try WebTestSupport.status("\(base)/?token=\(token)") == 200)
        #expect(try WebTestSupport.status("\(base)/api/timeline?token=\(token)") == 200)
        for path in ["/", "/api/timeline", "/api/exchanges/0", "/api/filter?q=status=200", "/api/updates"] {
            #expect(try WebTestSupport.status(base + path) == 401, "\(path) without a token")
        }
        var wrong = Array(token)
        wrong[wrong.count - 1] = wrong[wrong.count - 1] == "0" ? "1" : "0"
        #expect(try WebTestSupport.status("\(base)/api/timeline?token=\(String(wrong))") == 401)
        #expect(try WebTestSupport.status("\(base)/api/updates?token=\(String(wrong))") == 401)
        #expect(try WebTestSupport.status("\(base)/api/timeline?token=") == 401)

        // DNS rebinding: a foreign Host is refused even with the token.
        let withToken = "\(base)/api/timeline?token=\(token)"
        #expect(try WebTestSupport.status(withToken, headers: ["Host: evil.example:\(server.port)"]) == 403)
        #expect(try WebTestSupport.status(withToken, headers: ["Host: 127.0.0.1:1"]) == 403)
        #expect(try WebTestSupport.status(withToken, headers: ["Host: localhost:\(server.port)"]) == 200)
        // Cross-site reads: a foreign Origin is refused; the page's own is accepted.
        #expect(try WebTestSupport.status(withToken, headers: ["Origin: http://evil.example"]) == 403)
        #expect(try WebTestSupport.status(withToken, headers: ["Origin: null"]) == 403)
        #expect(try WebTestSupport.status("\(base)/api/updates?token=\(token)", headers: ["Origin: http://evil.example"]) == 403)
        #expect(try WebTestSupport.status(withToken, headers: ["Origin: http://127.0.0.1:\(server.port)"]) == 200)
        // Nothing takes a body or changes anything.
        #expect(try WebTestSupport.status(withToken, method: "POST") == 405)
        #expect(try WebTestSupport.status("\(base)/nothing?token=\(token)") == 404)
        #expect(try WebTestSupport.status("\(base)/api/exchanges/999999?token=\(token)") == 404)
    }

    @Test func listensOnLoopbackOnly() throws {
        let store = try WebTestSupport.filledStore(Fixtures.corpus("http1-chunked-gzip-msn.pcap"))
        let server = try WebServer.start(provider: StoreTimeline(store: store, source: "msn", live: false))
        defer { server.close() }
        // /proc/net/tcp lists listening sockets (state 0A) as hex address:port, 127.0.0.1 being 0100007F.
        let table = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)
        let port = String(server.port, radix: 16, uppercase: true).leftPadded(to: 4)
        let rows: [[Substring]] = table.split(separator: "\n").map { $0.split(separator: " ") }
        let listening = rows.filter { row in row.count > 3 && row[1].hasSuffix(":" + port) && row[3] == "0A" }
        #expect(listening.count == 1)
        #expect(listening.first?[1] == Substring("0100007F:" + port))
    }

    @Test(.enabled(if: curlIsInstalled, "needs curl"))
    func pageCarriesAPolicyThatAllowsOnlyItsOwnScript() throws {
        let store = try WebTestSupport.filledStore(Fixtures.corpus("http1-chunked-gzip-msn.pcap"))
        let server = try WebServer.start(provider: StoreTimeline(store: store, source: "msn", live: false))
        defer { server.close() }
        let result = try WebTestSupport.run("/usr/bin/curl", ["-s", "-D", "-", "http://127.0.0.1:\(server.port)/?token=\(server.access.token)"])
        let policy = result.output.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-security-policy:") }
        #expect(policy?.contains("script-src 'nonce-") == true)
        #expect(policy?.contains("connect-src 'self'") == true)
        #expect(policy?.contains("unsafe-inline") == false)
        #expect(!result.output.contains("{{"), "every placeholder of the template is filled")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
