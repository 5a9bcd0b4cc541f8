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

    @Test(.enabled(if: HarkBinary.url != nil, "no hark executable beside the tests (swift build --build-tests builds it)"))
    func statsTCPTableListsOnlyTheSelectedConnections() throws {
        let stats = try HarkBinary.run(["stats", "--filter", "conn=1", Self.capture])
        let rows = stats.output.split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(rows.count == 1 && rows.first?.hasPrefix("#1 ") == true, "\(stats.output)")
    }
}
