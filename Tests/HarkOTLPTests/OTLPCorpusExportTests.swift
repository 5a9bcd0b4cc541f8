import Foundation
import HarkTestSupport
import Testing

/// `hark … --otlp` against the receiver: the spans of a corpus capture, one per exchange, with the
/// timings and facts `hark trace --json` and `hark har` give for the same capture; metrics that match
/// `hark stats --json`.
@Suite(.serialized) struct OTLPCorpusExportTests {
    static let capture = Fixtures.corpus("http1-browse-bro-org.pcap").path

    /// The JSON lines of `hark trace --json` on `capture`, exchanges only.
    private func traceLines(_ capture: String) throws -> [[String: Any]] {
        let run = try HarkBinary.run(["trace", "--json", capture])
        #expect(run.status == 0, "\(run.errors)")
        return run.output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["type"] as? String == "exchange" }
    }

    /// Nanoseconds since the epoch of `2014-01-14T17:04:01.897975Z` (microseconds at most).
    private func nanoseconds(_ iso: String) -> Int64? {
        let parts = iso.dropLast().split(separator: ".")
        let formatter = ISO8601DateFormatter()
        guard let date = formatter.date(from: String(parts[0]) + "Z") else { return nil }
        let fraction = parts.count > 1 ? String(parts[1]).padding(toLength: 9, withPad: "0", startingAt: 0) : "0"
        return Int64(date.timeIntervalSince1970) * 1_000_000_000 + (Int64(fraction) ?? 0)
    }

    @Test(.enabled(if: OTLPReceiver.canRunHark, "needs python3 with opentelemetry-proto and the hark executable"))
    func everyExchangeBecomesOneSpanWithTheCapturedTimings() throws {
        let receiver = try OTLPReceiver()
        let run = try HarkBinary.run([
            "har", "-o", "/dev/null", Self.capture, "--otlp", receiver.url, "--otlp-span-kind", "client",
            "--otlp-header", "Authorization=Bearer t0ken", "--service-name", "browser", "--otlp-service", "www.bro.org=bro-www",
        ])
        #expect(run.status == 0, "\(run.errors)")
        #expect(!run.errors.contains("otlp"), "\(run.errors)")
        let requests = receiver.requests()
        #expect(!requests.isEmpty)
        for request in requests {
            #expect(request["encoding"] as? String == "gzip")
            #expect(request["content_type"] as? String == "application/x-protobuf")
            #expect((request["headers"] as? [String: Any])?["Authorization"] as? String == "Bearer t0ken")
        }
        // trace --json writes exchanges in start order; spans are matched to them by exchange id.
        let exchanges = try traceLines(Self.capture).sorted { ($0["id"] as? Int ?? -1) < ($1["id"] as? Int ?? -1) }
        let spans = receiver.spans().sorted { (OTLPJSON.attributes($0["attributes"])["hark.exchange.id"] as? Int64 ?? -1) < (OTLPJSON.attributes($1["attributes"])["hark.exchange.id"] as? Int64 ?? -1) }
        #expect(exchanges.count == 31)
        try #require(spans.count == exchanges.count)
        for (span, exchange) in zip(spans, exchanges) {
            let attributes = OTLPJSON.attributes(span["attributes"])
            let id = exchange["id"] as? Int ?? -1
            #expect(attributes["hark.exchange.id"] as? Int64 == Int64(id))
            let start = try #require(OTLPJSON.int64(span["startTimeUnixNano"]))
            let end = try #require(OTLPJSON.int64(span["endTimeUnixNano"]))
            #expect(start == nanoseconds(exchange["time"] as? String ?? ""), "exchange \(id)")
            let latency = exchange["latency_ms"] as? Double ?? -1
            #expect(abs(Double(end - start) / 1e6 - latency) < 0.0005, "exchange \(id): \(Double(end - start) / 1e6) ms vs \(latency)")
            #expect(attributes["url.full"] as? String == exchange["url"] as? String)
            #expect(attributes["http.request.method"] as? String == exchange["method"] as? String)
            #expect(attributes["http.response.status_code"] as? Int64 == (exchange["status"] as? Int).map(Int64.init))
            #expect(attributes["server.address"] as? String == exchange["host"] as? String)
            #expect(attributes["network.protocol.version"] as? String == "1.1")
            #expect(attributes["http.response.body.size"] as? Int64 == (exchange["response_body_bytes"] as? Int).map(Int64.init))
            #expect(attributes["hark.connection.id"] as? Int64 == (exchange["connection"] as? Int).map(Int64.init))
            #expect(span["kind"] as? String == "SPAN_KIND_CLIENT")
            #expect(span["service"] as? String == (exchange["host"] as? String == "www.bro.org" ? "bro-www" : "browser"))
            // The first byte of the response, as an event at trace --json's time to first byte.
            let events = span["events"] as? [[String: Any]] ?? []
            let firstByte = events.first { $0["name"] as? String == "response.first_byte" }.flatMap { OTLPJSON.int64($0["timeUnixNano"]) }
            let ttfb = exchange["ttfb_ms"] as? Double ?? -1
            #expect(firstByte.map { abs(Double($0 - start) / 1e6 - ttfb) < 0.0005 } == true, "exchange \(id)")
            #expect((span["traceId"] as? String)?.count == 32)
            #expect((span["spanId"] as? String)?.count == 16)
            #expect(span["parentSpanId"] == nil)
        }
        // Names are METHOD and the stats endpoint pattern: never the raw path.
        let names = Set(spans.compactMap { $0["name"] as? String })
        #expect(names.contains("GET /"))
        #expect(names.allSatisfy { $0.hasPrefix("GET /") && !$0.contains("?") })
        // A connection's first exchange carries the TCP handshake as events.
        let first = try #require(spans.first)
        #expect((first["events"] as? [[String: Any]])?.compactMap { $0["name"] as? String }.prefix(2) == ["connect.start", "connect.end"])
        // Ids are stable: a second run gives the same ones.
        let again = try OTLPReceiver()
        _ = try HarkBinary.run(["stats", Self.capture, "--otlp", again.url])
        #expect(Set(again.spans().compactMap { $0["spanId"] as? String }) == Set(spans.compactMap { $0["spanId"] as? String }))
    }

    @Test(.enabled(if: OTLPReceiver.canRunHark, "needs python3 with opentelemetry-proto and the hark executable"))
    func metricsMatchStats() throws {
        let receiver = try OTLPReceiver()
        let run = try HarkBinary.run(["stats", "--json", Self.capture, "--otlp", receiver.url, "--otlp-span-kind", "client"])
        #expect(run.status == 0, "\(run.errors)")
        let stats = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        let metrics = receiver.lastMetrics()
        let requests = metrics["hark.http.requests"] ?? []
        let errors = metrics["hark.http.errors"] ?? []
        let durations = metrics["http.client.request.duration"] ?? []
        let endpoints = stats["endpoints"] as? [[String: Any]] ?? []
        #expect(!endpoints.isEmpty)
        #expect(requests.count == endpoints.count)
        for endpoint in endpoints {
            let matches: ([String: Any]) -> Bool = {
                $0["server.address"] as? String == endpoint["host"] as? String && $0["http.request.method"] as? String == endpoint["method"] as? String
                    && $0["http.route"] as? String == endpoint["pattern"] as? String
            }
            let count = Int64(endpoint["requests"] as? Int ?? -1)
            #expect(requests.filter(matches).compactMap { OTLPJSON.int64($0["asInt"]) } == [count], "\(endpoint)")
            let status = endpoint["status"] as? [String: Int] ?? [:]
            let failed = Int64((status["4xx"] ?? 0) + (status["5xx"] ?? 0) + (status["none"] ?? 0))
            #expect(errors.filter(matches).compactMap { OTLPJSON.int64($0["asInt"]) } == [failed], "\(endpoint)")
            #expect(durations.filter(matches).compactMap { OTLPJSON.int64($0["count"]) }.reduce(0, +) == count, "\(endpoint)")
        }
        let tcp = stats["tcp"] as? [String: Any] ?? [:]
        let sum: (String) -> Int64 = { name in (metrics[name] ?? []).compactMap { OTLPJSON.int64($0["asInt"]) }.reduce(0, +) }
        #expect(sum("hark.tcp.connections") == Int64(tcp["connections"] as? Int ?? -1))
        #expect(sum("hark.tcp.retransmissions") == Int64(tcp["retransmissions"] as? Int ?? -1))
        #expect(sum("hark.tcp.resets") == Int64(tcp["resets"] as? Int ?? -1))
        #expect((metrics["hark.tcp.handshake.duration"] ?? []).compactMap { OTLPJSON.int64($0["count"]) }.reduce(0, +) == 13)
    }

    @Test(.enabled(if: OTLPReceiver.canRunHark, "needs python3 with opentelemetry-proto and the hark executable"))
    func grpcCallsFollowTheRPCConventions() throws {
        let capture = Fixtures.recorded("grpc-swift2-calls.pcap").path
        let current = try OTLPReceiver()
        #expect(try HarkBinary.run(["stats", capture, "--otlp", current.url]).status == 0)
        let spans = current.spans()
        #expect(!spans.isEmpty)
        let calls = spans.filter { OTLPJSON.attributes($0["attributes"])["rpc.system.name"] as? String == "grpc" }
        #expect(calls.count == spans.count)
        for span in calls {
            let attributes = OTLPJSON.attributes(span["attributes"])
            #expect(span["name"] as? String == attributes["rpc.method"] as? String)
            #expect((attributes["rpc.method"] as? String)?.contains("/") == true)
            #expect(attributes["rpc.response.status_code"] is String)
            #expect(attributes["http.request.method"] == nil)
        }
        // Later streams of one HTTP/2 connection link to its first.
        #expect(spans.contains { ($0["links"] as? [[String: Any]])?.isEmpty == false })
        let legacy = try OTLPReceiver()
        #expect(try HarkBinary.run(["stats", capture, "--otlp", legacy.url, "--otlp-rpc-conventions", "legacy"]).status == 0)
        for span in legacy.spans() {
            let attributes = OTLPJSON.attributes(span["attributes"])
            #expect(attributes["rpc.system"] as? String == "grpc")
            #expect(attributes["rpc.grpc.status_code"] is Int64)
            #expect(attributes["rpc.service"] is String)
        }
    }
}
