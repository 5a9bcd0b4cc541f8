import Foundation
import HarkCore
import HarkStore
import HarkTestSupport
import HarkWeb
import Testing

/// The JSON the page reads: valid against its schema, and saying what tshark says about the capture.
@Suite struct TimelineJSONTests {
    private static let canValidate = HARValidator.isAvailable

    @Test(
        .enabled(if: canValidate, "needs python3 with jsonschema"),
        arguments: ["http1-browse-bro-org.pcap", "tcp-retx-cab-multi-conn.pcap", "h2c-upgrade-range-206.pcap",
                    "websocket-basic-text.pcap", "tcp-midstream-no-syn.pcap", "tls12-http1-heise-keylog.pcap"]
    )
    func documentMatchesSchemaAndTshark(_ name: String) throws {
        let capture = Fixtures.corpus(name)
        let keylog = name.hasPrefix("tls12") ? [Fixtures.corpus("tls12-http1-heise-keylog.keys").path] : []
        let store = try WebTestSupport.filledStore(capture, keylog: keylog)
        var options = TimelineOptions()
        options.includesDetails = true
        let document = StoreTimeline(store: store, source: name, live: false, options: options).timeline()
        #expect(try WebTestSupport.violations(document, definition: "document") == "", "\(name)")

        let parsed = try WebTestSupport.object(document)
        let connections = parsed["connections"] as? [[String: Any]] ?? []
        let tcpOracle = try OracleTable(contentsOf: OracleTable.beside(capture, kind: "oracle-tcp"))
        #expect(connections.count == tcpOracle.rows.count, "one connection per tcp.stream")
        for (connection, row) in zip(connections, tcpOracle.rows) {
            #expect(connection["id"] as? Int == Int(row["tcp.stream"] ?? ""))
            #expect(connection["packetCount"] as? Int == Int(row["packets"] ?? ""), "packets of stream \(row["tcp.stream"] ?? "")")
            let packets = connection["packets"] as? [Any] ?? []
            #expect(packets.count % 7 == 0)
            let times = WebTestSupport.packetTimes(connection)
            #expect(times == times.sorted(), "packets in time order")
        }
        let ids = WebTestSupport.exchangeIDs(parsed)
        #expect(ids.count == store.counters.exchanges)
        #expect((parsed["exchanges"] as? [String: Any])?["count"] as? Int == ids.count)
        let details = parsed["details"] as? [Any] ?? []
        #expect(details.count == ids.count, "a report carries every exchange's details")
        if name.hasPrefix("http1-browse") {
            let oracle = try OracleTable(contentsOf: OracleTable.beside(capture, kind: "oracle"))
            let requests = oracle.rows.filter { !($0["http.request.method"] ?? "").isEmpty }
            #expect(ids.count == requests.count, "one exchange per request tshark sees")
            // url is left out when it is scheme://authority + target
            let scheme = WebTestSupport.texts(parsed, column: "scheme"), authority = WebTestSupport.texts(parsed, column: "authority")
            let columns = parsed["exchanges"] as? [String: Any] ?? [:]
            let target = columns["target"] as? [String] ?? [], url = (columns["url"] as? [Any])?.map { $0 as? String } ?? ids.map { _ in nil }
            let urls = ids.indices.map { url[$0] ?? "\(scheme[$0] ?? "")://\(authority[$0] ?? "")\(target[$0])" }
            #expect(Set(urls) == Set(requests.compactMap { $0["http.request.full_uri"] }))
        }
    }

    /// WebSocket over HTTP/2: each connection's message marks carry their stream (opcode + 512 × stream),
    /// 3 for `/chat` and 5 for `/plain`, and the document still matches its schema.
    @Test(.enabled(if: canValidate, "needs python3 with jsonschema"))
    func webSocketMarksOverHTTP2NameTheirStream() throws {
        let capture = Fixtures.recorded("h2-websocket-hypercorn.pcap")
        let store = try WebTestSupport.filledStore(capture, keylog: [Fixtures.recorded("h2-websocket-hypercorn.keys").path])
        let document = StoreTimeline(store: store, source: "h2-websocket", live: false, options: TimelineOptions()).timeline()
        #expect(try WebTestSupport.violations(document, definition: "document") == "")
        let connections = try WebTestSupport.object(document)["connections"] as? [[String: Any]] ?? []
        #expect(connections.count == 2)
        for connection in connections {
            let values = connection["messages"] as? [Any] ?? []
            #expect(values.count == 31 * 5)
            let kinds = stride(from: 2, to: values.count, by: 5).compactMap { values[$0] as? Int }
            #expect(Dictionary(grouping: kinds) { $0 / 512 }.mapValues(\.count) == [3: 21, 5: 10])
            #expect(Set(kinds.map { $0 & 255 }) == [1, 2, 8, 9, 10])
        }
    }

    /// QUIC connections carry their own facts, 0-RTT included: of aioquic's resumption recording, the
    /// resumed connection sent two 0-RTT packets (as `hark connections` and tshark count them).
    @Test(.enabled(if: canValidate, "needs python3 with jsonschema"))
    func quicConnectionsCarryTheirFacts() throws {
        let store = try WebTestSupport.filledStore(
            Fixtures.recorded("h3-aioquic-resume.pcap"), keylog: [Fixtures.recorded("h3-aioquic-resume.keys").path]
        )
        let document = StoreTimeline(store: store, source: "h3-resume", live: false, options: TimelineOptions()).timeline()
        #expect(try WebTestSupport.violations(document, definition: "document") == "")
        let connections = try WebTestSupport.object(document)["connections"] as? [[String: Any]] ?? []
        let quic = connections.compactMap { $0["quic"] as? [String: Any] }
        #expect(quic.count == 2)
        #expect(quic.map { $0["earlyDataPackets"] as? Int } == [0, 2])
        #expect(quic.allSatisfy { $0["version"] as? String == "QUIC v1" })
    }

    @Test(.enabled(if: canValidate, "needs python3 with jsonschema"))
    func detailsFilterAndChangesMatchTheSchema() throws {
        let store = try WebTestSupport.filledStore(Fixtures.corpus("http1-browse-bro-org.pcap"))
        let timeline = StoreTimeline(store: store, source: "bro", live: false)
        let detail = try #require(timeline.exchange(id: 0))
        #expect(try WebTestSupport.violations(detail, definition: "detail") == "")
        let parsed = try WebTestSupport.object(detail)
        let request = parsed["request"] as? [String: Any]
        #expect(request?["method"] as? String == "GET")
        #expect((request?["headers"] as? [[String]])?.contains(["Host", "bro.org"]) == true)
        // The HAR entry is a valid HAR 1.2 log of one entry.
        let har = try JSONSerialization.data(withJSONObject: parsed["har"] ?? [:])
        let validation = try HARValidator.validate([UInt8](har))
        #expect(validation.status == 0, "\(validation.errors)")

        let matched = timeline.filter("status=200 and path=/js/*")
        #expect(try WebTestSupport.violations(matched, definition: "filterResult") == "")
        let ids = try WebTestSupport.object(matched)["exchanges"] as? [Int] ?? []
        #expect(!ids.isEmpty)
        let rows = store.exchanges()
        for id in ids {
            let row = try #require(rows.position(of: id).flatMap { rows[$0] })
            #expect(row.target.hasPrefix("/js/") && row.status?.rawValue == 200)
        }
        let wrong = timeline.filter("status>=4OO")
        #expect(try WebTestSupport.violations(wrong, definition: "filterResult") == "")
        #expect((try WebTestSupport.object(wrong)["error"] as? String)?.contains("column 9") == true)

        let changes = try #require(timeline.changes(since: 0))
        #expect(changes.isFinal)
        #expect(try WebTestSupport.violations(changes.json, definition: "changes") == "")
        #expect(timeline.changes(since: changes.version) == nil, "nothing changed since")
    }

    @Test func reportAggregatesPacketsPastItsLimit() throws {
        let store = try WebTestSupport.filledStore(Fixtures.corpus("http1-browse-bro-org.pcap"))
        var options = TimelineOptions()
        options.maxPackets = 100
        let document = try WebTestSupport.object(StoreTimeline(store: store, source: "bro", live: false, options: options).timeline())
        let connections = document["connections"] as? [[String: Any]] ?? []
        let oneByOne = connections.map { ($0["packets"] as? [Any] ?? []).count / 7 }.reduce(0, +)
        var aggregated = 0
        for connection in connections {
            let buckets = connection["buckets"] as? [Int] ?? []
            for start in stride(from: 0, to: buckets.count, by: 9) { aggregated += buckets[start + 2] + buckets[start + 3] }
        }
        let total = connections.map { $0["packetCount"] as? Int ?? 0 }.reduce(0, +)
        #expect(oneByOne == 100)
        #expect(oneByOne + aggregated == total, "every packet is drawn, one by one or in a bucket")
        #expect((document["limits"] as? [String: Any])?["omittedPackets"] as? Int == total - 100)
    }
}
