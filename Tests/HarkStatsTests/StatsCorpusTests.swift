import Foundation
import HarkCapture
import HarkCore
import HarkModel
import HarkSession
import HarkStats
import HarkTestSupport
import Testing

/// `hark stats` counts on corpus captures against tshark's responses (`*.oracle.tsv`).
struct StatsCorpusTests {
    /// Captures on which hark and tshark see different responses, and why.
    static let divergent: [String: String] = [
        "http1-browse-bro-org.pcap": "a response body has a 7.2 kB gap: tshark drops the response, hark counts it",
        "link-rawip-ipv4-ipv6-http.pcap": "a response body is cut by the end of the capture: tshark drops it",
        "tcp-gaps-null-loopback.pcap": "a response body has a gap: tshark drops the response",
        "tcp-ooo-retx-range-206.pcap": "a 206 body has holes: tshark drops the response",
        "http1-connect-proxy.pcap": "tshark shows the 200 OK inside the CONNECT tunnel as data; hark decodes the tunnel",
        "tls12-http1-heise-keylog.pcap": "HTTP inside TLS: hark does not decrypt yet",
    ]

    /// Captures whose oracle lists response codes and on which both tools should agree.
    static let captures: [String] = Fixtures.corpusCaptures.filter { name in
        guard divergent[name] == nil,
            let oracle = try? OracleTable(contentsOf: OracleTable.beside(Fixtures.corpus(name), kind: "oracle"))
        else { return false }
        return oracle.fields.contains("http.response.code")
    }

    /// Feeds a collector as `hark stats` does, and counts interim responses (tshark lists a
    /// `100 Continue` as a response of its own; stats counts an exchange by its final status).
    struct Observer: SessionObserver {
        var collector = StatsCollector()
        var interim = StatusCounts()
        var standIns = 0

        mutating func exchange(_ exchange: Exchange) {
            collector.add(exchange)
            if exchange.applicationProtocol == .tls { standIns += 1 }
            for response in exchange.interimResponses {
                interim[StatusClass(response)] += 1
            }
        }

        mutating func connectionClosed(_ connection: ConnectionRecord) {
            collector.add(connection: connection.summary, applicationProtocol: connection.applicationProtocol, tls: connection.tls)
        }
    }

    @Test(arguments: captures)
    func statusClassCountsAgreeWithTshark(capture: String) throws {
        let url = Fixtures.corpus(capture)
        let oracle = try OracleTable(contentsOf: OracleTable.beside(url, kind: "oracle"))
        var expected = StatusCounts()
        // An h2c upgrade's HTTP/2 responses are in the HTTP/2 oracle beside the HTTP/1 one.
        let http2 = try? OracleTable(contentsOf: OracleTable.beside(url, kind: "oracle-h2"))
        let codes = oracle.rows.map { $0["http.response.code"] ?? "" } + (http2?.rows ?? []).map { $0["http2.headers.status"] ?? "" }
        for column in codes {
            for code in column.split(separator: ",") {
                let status = try #require(Int(code), "\(capture): response code \(code)")
                expected[StatusClass(Self.response(status))] += 1
            }
        }

        var observer = Observer()
        let statistics = CaptureSession(reader: try CaptureReader(path: url.path)).run(observer: &observer)
        let report = observer.collector.report
        for statusClass in [StatusClass.informational, .success, .redirection, .clientError, .serverError] {
            let counted = report.total.statuses[statusClass] + observer.interim[statusClass]
            #expect(counted == expected[statusClass], "\(capture): \(statusClass)")
        }
        // Per-host rows add up to the total, and every connection is counted.
        #expect(report.hosts.map(\.traffic.exchanges).reduce(0, +) == report.total.exchanges)
        // A TLS connection that could not be decrypted is reported as one stand-in exchange; stats
        // count it in the TLS table, not as HTTP.
        let standIns = observer.standIns
        #expect(report.total.exchanges == statistics.exchanges - standIns)
        #expect(report.tcp.connections == statistics.connections)
    }

    /// Runs a capture as `hark stats` does, with optional key logs.
    private static func report(_ url: URL, keyLogs: [URL] = []) throws -> StatsReport {
        var configuration = SessionConfiguration()
        configuration.keyLogPaths = keyLogs.map(\.path)
        var observer = Observer()
        _ = CaptureSession(reader: try CaptureReader(path: url.path), configuration: configuration).run(observer: &observer)
        return observer.collector.report
    }

    @Test func grpcCallsThatFailCountAsGRPCErrors() throws {
        // The recorded grpc-swift-2 calls: NOT_FOUND from GetItem and RESOURCE_EXHAUSTED from
        // ListItems, both with HTTP status 200 (see Tests/Fixtures/recorded/grpc-swift2-calls.expected.json).
        let report = try Self.report(Fixtures.recorded("grpc-swift2-calls.pcap"))
        #expect(report.total.grpcCalls == 7)
        #expect(report.total.grpcErrors == 2)
        #expect(report.total.statuses[.success] == 7, "gRPC failures travel in HTTP 200 responses")
        let failing = report.endpoints.filter { $0.traffic.grpcErrors > 0 }.map(\.endpoint.pattern).sorted()
        #expect(failing == ["/hark.inventory.Inventory/GetItem", "/hark.inventory.Inventory/ListItems"])
    }

    @Test func tlsServersAreCountedWithOrWithoutKeys() throws {
        let capture = Fixtures.corpus("tls12-http1-heise-keylog.pcap")
        let without = try Self.report(capture)
        #expect(without.total.exchanges == 0, "nothing decrypted, no HTTP counted")
        let row = try #require(without.tlsServers.first)
        #expect(without.tlsServers.count == 1)
        #expect(row.server == "www.heise.de")
        #expect((row.connections, row.decrypted) == (1, 0))
        #expect(row.versions == ["TLS 1.2": 1])
        #expect(row.alpn == ["http/1.1": 1])
        #expect(row.bytesReceived > row.bytesSent)
        #expect(row.handshake.count == 1)

        let with = try Self.report(capture, keyLogs: [Fixtures.corpus("tls12-http1-heise-keylog.keys")])
        #expect(with.total.exchanges == 16)
        #expect(with.tlsServers.first?.decrypted == 1)
    }

    private static func response(_ status: Int) -> HTTPResponseRecord {
        HTTPResponseRecord(
            status: HTTPStatusCode(rawValue: status),
            reason: "",
            version: "HTTP/1.1",
            headers: HTTPFields(),
            headSize: nil,
            body: HTTPMessageBody(),
            firstByte: Timestamp(nanoseconds: 0),
            lastByte: Timestamp(nanoseconds: 0)
        )
    }
}
