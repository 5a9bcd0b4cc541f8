import Foundation
import HarkTestSupport
import Testing

/// Issue 15 item 16: `--filter` narrows the TCP views too. Connection fields select connections,
/// exchange fields the connections of the matching exchanges.
struct FilteredViewsTests {
    static let capture = Fixtures.corpus("tcp-retx-cab-multi-conn.pcap").path

    /// The `#N` connection numbers of a text trace's lines (day lines left out).
    static func connections(_ output: String) -> Set<String> {
        Set(output.split(separator: "\n").compactMap { line in
            line.split(separator: " ").dropFirst().first.flatMap { $0.hasPrefix("#") ? String($0) : nil }
        })
    }

    @Test(.enabled(if: HarkBinary.url != nil, "no hark executable beside the tests (swift build --build-tests builds it)"))
    func traceTCPShowsOnlyTheSelectedConnections() throws {
        let all = try HarkBinary.run(["trace", "--tcp", Self.capture])
        #expect(Self.connections(all.output).count == 5)
        let one = try HarkBinary.run(["trace", "--tcp", "--filter", "conn=1", Self.capture])
        #expect(Self.connections(one.output) == ["#1"], "\(one.output)")
        #expect(one.output.contains("closed") || one.output.contains("reset"), "the connection's own TCP lines stay: \(one.output)")
        // An exchange field: the one slow exchange's connection (#3, 320 ms), with its TCP events.
        let exchange = try HarkBinary.run(["trace", "--tcp", "--filter", "latency>300ms", Self.capture])
        #expect(Self.connections(exchange.output) == ["#3"], "\(exchange.output)")
        #expect(exchange.output.split(separator: "\n").count > 2, "TCP lines as well as the exchange")
    }

    /// While a connection is undecided its TCP events are held, but not without bound: past 1,000 the
    /// rest are counted, and when the connection is selected a warning says how many were left out.
    @Test(.enabled(if: HarkBinary.url != nil, "no hark executable beside the tests (swift build --build-tests builds it)"))
    func heldEventsOfAnUndecidedConnectionAreBounded() throws {
        var conversation = TCPConversation()
        conversation.client(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        let head = Array("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab".utf8)
        conversation.server(head)
        conversation.serverRetransmits(head, times: 1_500)
        conversation.server(Array("cd".utf8))
        conversation.close()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hark-held-\(getpid()).pcap")
        try Data(conversation.pcap.bytes).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }

        let unfiltered = try HarkBinary.run(["trace", "--tcp", "--json", path.path])
        let all = unfiltered.output.split(separator: "\n").filter { $0.contains("\"type\":\"tcp\"") }
        #expect(all.count > 1_500)
        // status=200 decides the connection only when its exchange completes, after every retransmission.
        let filtered = try HarkBinary.run(["trace", "--tcp", "--json", "--filter", "status=200", path.path])
        #expect(filtered.status == 0)
        let lines = filtered.output.split(separator: "\n")
        let kept = lines.filter { $0.contains("\"type\":\"tcp\"") }
        #expect(kept.count >= 1_000 && kept.count < all.count, "\(kept.count) of \(all.count)")
        let warning = try #require(lines.first { $0.contains("\"type\":\"diagnostic\"") && $0.contains("left out") })
        #expect(warning.contains("connection #0: \(all.count - kept.count) TCP event(s) before --filter selected it were left out"), "\(warning)")
        #expect(lines.contains { $0.contains("\"type\":\"exchange\"") })
    }

    @Test(.enabled(if: HarkBinary.url != nil, "no hark executable beside the tests (swift build --build-tests builds it)"))
    func statsTCPTableListsOnlyTheSelectedConnections() throws {
        let stats = try HarkBinary.run(["stats", "--filter", "conn=1", Self.capture])
        let rows = stats.output.split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(rows.count == 1 && rows.first?.hasPrefix("#1 ") == true, "\(stats.output)")
    }
}
