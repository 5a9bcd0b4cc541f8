import HarkCapture
import HarkCore
import HarkFormat
import HarkModel
import HarkSession
import HarkStats
import HarkTestSupport
import HarkText
import Foundation
import Testing

struct StatsTextTests {
    /// Collects as `hark stats` does.
    struct Observer: SessionObserver {
        var collector = StatsCollector()

        mutating func exchange(_ exchange: Exchange) {
            collector.add(exchange)
        }

        mutating func connectionClosed(_ connection: ConnectionRecord) {
            collector.add(connection: connection.summary, applicationProtocol: connection.applicationProtocol)
        }
    }

    private func report(_ capture: String) throws -> StatsReport {
        var observer = Observer()
        _ = CaptureSession(reader: try CaptureReader(path: Fixtures.corpus(capture).path)).run(observer: &observer)
        return observer.collector.report
    }

    /// Fifteen 304s to four hosts, each answered in about 60 ms (as `hark trace` lists them).
    @Test func summarisesHostsEndpointsAndTCP() throws {
        let lines = StatsText.lines(try report("http1-browse-wikipedia-304.pcap"), top: 2)
        #expect(lines.first == "15 exchanges on 10 connections, 2011-03-18 19:06:08.652 → 19:06:09.075 UTC (423.1 ms)")
        #expect(lines.contains { $0.hasPrefix("HOST ") && $0.contains("REQS  2xx  3xx  4xx  5xx") })
        let upload = try #require(lines.first { $0.hasPrefix("upload.wikimedia.org") })
        #expect(upload.split(separator: " ", omittingEmptySubsequences: true).prefix(6) == ["upload.wikimedia.org", "12", "0", "12", "0", "0"])
        #expect(lines.contains("… 13 more endpoints (--top 0 lists all)"))
        #expect(lines.last == "TCP: no problems on 10 connections")
    }

    @Test func listsTheWorstConnections() throws {
        let lines = StatsText.lines(try report("tcp-retx-cab-multi-conn.pcap"), top: 0)
        #expect(lines.contains("TCP: 5 connections of 5 with problems: 45 retransmissions, 5 resets, 5 SYN retries"))
        let worst = try #require(lines.firstIndex { $0.hasPrefix("CONNECTION") })
        #expect(lines.dropFirst(worst + 1).first?.hasPrefix("#3 192.168.1.105:49462 → 65.54.95.7:80  http1      1/12") == true)
    }

    /// Requests the session gave up to its waiting request budget get a line of their own, after the
    /// packets, and a JSON member; a report without any has neither line.
    @Test func requestsGivenUpToTheBudgetAreSaid() throws {
        var report = try report("http1-browse-wikipedia-304.pcap")
        #expect(!StatsText.lines(report, top: 2).contains { $0.contains("given up") })
        report.requestsGivenUp = 96_525
        let lines = StatsText.lines(report, top: 2)
        #expect(lines.dropFirst().first
            == "96525 requests given up without a response: the session held too many requests waiting for responses (memory budget)")
        var writer = JSONWriter(pretty: false)
        StatsJSON.write(report, to: &writer)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(writer.buffer.text.utf8)) as? [String: Any])
        #expect(document["requests_given_up"] as? Int == 96_525)
    }

    @Test func jsonHasEveryStatusClassAndTheWorstConnections() throws {
        var writer = JSONWriter(pretty: false)
        StatsJSON.write(try report("tcp-retx-cab-multi-conn.pcap"), to: &writer)
        let data = Data(writer.buffer.text.utf8)
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["exchanges"] as? Int == 5)
        let total = try #require(document["total"] as? [String: Any])
        let status = try #require(total["status"] as? [String: Int])
        #expect(status == ["1xx": 0, "2xx": 5, "3xx": 0, "4xx": 0, "5xx": 0, "other": 0, "none": 0])
        let tcp = try #require(document["tcp"] as? [String: Any])
        let worst = try #require(tcp["worst_connections"] as? [[String: Any]])
        #expect(worst.first?["connection"] as? Int == 3)
        #expect(worst.first?["retransmissions_server_to_client"] as? Int == 12)
        #expect(worst.first?["reset_by"] as? String == "client")
    }

    @Test func thePacketLineSaysWhatTheTablesLeaveOutAndWhatTheKernelDropped() throws {
        var report = try report("http1-browse-wikipedia-304.pcap")
        report.packets = PacketCounts(
            packets: 5_021, notAnalysed: [.init(name: "UDP", count: 700), .init(name: "ARP", count: 85)], malformed: 2,
            droppedByKernel: 3, droppedByInterface: 0
        )
        let lines = StatsText.lines(report, top: 2)
        #expect(lines.dropFirst().first == "5021 packets: 785 not analysed (UDP 700, ARP 85), 2 malformed, 3 dropped by the kernel")

        report.packets = PacketCounts(packets: 12, notAnalysed: [], malformed: 0)
        #expect(StatsText.lines(report, top: 2).dropFirst().first == "12 packets: all analysed", "a file: no drop count")

        report.packets = PacketCounts(packets: 1_000, notAnalysed: [.init(name: "link type 9999", count: 1_000)], malformed: 0, droppedByKernel: 0)
        var writer = JSONWriter(pretty: false)
        StatsJSON.write(report, to: &writer)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(writer.buffer.text.utf8)) as? [String: Any])
        let packets = try #require(document["packets"] as? [String: Any])
        #expect(packets["read"] as? Int == 1_000)
        #expect(packets["not_analysed"] as? [String: Int] == ["link type 9999": 1_000])
        #expect(packets["malformed"] as? Int == 0)
        #expect(packets["dropped_by_kernel"] as? Int == 0)
        #expect(packets["dropped_by_interface"] is NSNull)
    }
}
