import HarkCore
import HarkModel
import HarkStats
import Testing

struct StatsCollectorTests {
    @Test func countsStatusClassesPerHostAndEndpoint() throws {
        var collector = StatsCollector()
        for (target, status) in [("/a/1", 200), ("/a/2", 204), ("/a/3", 404), ("/b", 503), ("/b", 301), ("/b", 101)] {
            collector.add(ExchangeFixtures.exchange(target: target, status: status))
        }
        collector.add(ExchangeFixtures.exchange(target: "/b", status: nil))
        collector.add(ExchangeFixtures.exchange(target: "/b", status: 0))
        collector.add(ExchangeFixtures.exchange(host: "OTHER.example:8080", target: "/", status: 200))
        let report = collector.report

        #expect(report.hosts.map(\.host) == ["example.com", "other.example"])
        let host = try #require(report.hosts.first).traffic
        #expect(host.exchanges == 8)
        #expect(host.statuses[.informational] == 1)
        #expect(host.statuses[.success] == 2)
        #expect(host.statuses[.redirection] == 1)
        #expect(host.statuses[.clientError] == 1)
        #expect(host.statuses[.serverError] == 1)
        #expect(host.statuses[.other] == 1)
        #expect(host.statuses[.noResponse] == 1)
        #expect(host.statuses.total == 8)

        let endpoints = report.endpoints.map { "\($0.endpoint.method) \($0.endpoint.host)\($0.endpoint.pattern) \($0.traffic.exchanges)" }
        #expect(endpoints == ["GET example.com/b 5", "GET example.com/a/{id} 3", "GET other.example/ 1"])
        #expect(report.total.exchanges == 9)
    }

    @Test func latencyLeavesOutMissingResponsesAndUncapturedRequests() throws {
        var collector = StatsCollector()
        collector.add(ExchangeFixtures.exchange(status: 200, latencyMilliseconds: 40))
        collector.add(ExchangeFixtures.exchange(status: nil, latencyMilliseconds: 5_000))
        collector.add(ExchangeFixtures.exchange(method: HTTPRequestRecord.placeholderMethod, status: 200, latencyMilliseconds: 9_000))
        let latency = try #require(collector.report.total.latency.summary)
        #expect(latency.count == 1)
        #expect(latency.maximum == .milliseconds(40))
    }

    @Test func sumsBodyBytesAndSpansTheCapture() {
        var collector = StatsCollector()
        collector.add(ExchangeFixtures.exchange(status: 200, latencyMilliseconds: 500, start: 100, requestBytes: 10, responseBytes: 1000))
        collector.add(ExchangeFixtures.exchange(status: 200, start: 50, requestBytes: 5, responseBytes: 20))
        let report = collector.report
        #expect(report.total.requestBodyBytes == 15)
        #expect(report.total.responseBodyBytes == 1020)
        #expect(report.firstTime == Timestamp(nanoseconds: 50_000_000_000))
        #expect(report.lastTime == Timestamp(nanoseconds: 100_500_000_000))
    }

    @Test func hostsAndEndpointsBeyondTheLimitsGoToOverflowRows() {
        var limits = StatsLimits()
        limits.maximumHosts = 2
        limits.maximumEndpoints = 2
        var collector = StatsCollector(limits: limits)
        for host in ["a", "b", "c", "d", "a"] {
            collector.add(ExchangeFixtures.exchange(host: host, status: 200))
        }
        let report = collector.report
        #expect(Set(report.hosts.map(\.host)) == ["a", "b", StatsCollector.otherHosts])
        #expect(report.hosts.map(\.traffic.exchanges).reduce(0, +) == 5)
        #expect(report.endpoints.count == 3)
        #expect(report.endpoints.first { $0.endpoint == StatsCollector.otherEndpoints }?.traffic.exchanges == 2)
    }

    @Test func listsOnlyTheWorstConnectionsWorstFirst() {
        var limits = StatsLimits()
        limits.worstConnections = 3
        var collector = StatsCollector(limits: limits)
        collector.add(connection: ExchangeFixtures.connection(id: 0), applicationProtocol: .http1)
        for id in 1...10 {
            collector.add(connection: ExchangeFixtures.connection(id: id, retransmissions: id % 5), applicationProtocol: .http1)
        }
        collector.add(connection: ExchangeFixtures.connection(id: 11, gaps: 1, gapBytes: 1448), applicationProtocol: .http1)
        collector.add(connection: ExchangeFixtures.connection(id: 12, resetBy: .serverToClient), applicationProtocol: .http1)
        let report = collector.report
        #expect(report.worstConnections.map(\.summary.info.id) == [4, 9, 3])
        #expect(report.tcp.connections == 13)
        // Connections 5 and 10 had no retransmissions (id % 5 == 0), nor did 0.
        #expect(report.tcp.connectionsWithProblems == 10)
        #expect(report.tcp.retransmissions == 2 * (1 + 2 + 3 + 4))
        #expect(report.tcp.gaps == 1)
        #expect(report.tcp.gapBytes == 1448)
        #expect(report.tcp.resets == 1)
    }

    @Test func aConnectionWithoutProblemsIsNotListed() {
        #expect(ConnectionProblems(summary: ExchangeFixtures.connection(id: 0), applicationProtocol: .http1) == nil)
        let gap = ConnectionProblems(summary: ExchangeFixtures.connection(id: 1, gaps: 2, gapBytes: 10), applicationProtocol: .http1)
        #expect(gap?.severity == 2)
    }
}
