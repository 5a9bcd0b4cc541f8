import Foundation
import HarkTestSupport
import Testing

@testable import HarkOTLP

/// What the hand-written encoder writes, decoded by the official opentelemetry-proto classes
/// (`Tests/Fixtures/otlp/decode.py`): every field hark sets must come back with its value, in its field.
@Suite struct ProtobufConformanceTests {
    /// Runs decode.py on `body`; the decoded request as a dictionary.
    private func decode(_ signal: String, _ body: [UInt8]) throws -> [String: Any] {
        let directory = FileManager.default.temporaryDirectory
        let input = directory.appendingPathComponent("otlp-body-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).pb")
        try Data(body).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let log = directory.appendingPathComponent(input.lastPathComponent + ".json")
        defer { try? FileManager.default.removeItem(at: log) }
        let (status, output) = try ToolProcess.run("sh", ["-c", "python3 \"$0\" \"$1\" < \"$2\"", OTLPReceiver.decoder.path, signal, input.path], log: log)
        #expect(status == 0, "decode.py: \(output)")
        return try #require(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    @Test func varintsAndFixedWidthsMatchTheSpecificationExamples() {
        // https://protobuf.dev/programming-guides/encoding/: field 1 = 150 is 08 96 01.
        var writer = ProtobufWriter()
        writer.varintField(1, 150)
        #expect(writer.bytes == [0x08, 0x96, 0x01])
        // Negative int64: ten bytes of two's complement.
        writer = ProtobufWriter()
        writer.varintField(3, -1)
        #expect(writer.bytes == [0x18] + Array(repeating: 0xFF, count: 9) + [0x01])
        writer = ProtobufWriter()
        writer.fixed64Field(7, 0x0102_0304_0506_0708)
        #expect(writer.bytes == [0x39, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01])
        // Defaults are not written: a reader sees an unset field.
        writer = ProtobufWriter()
        writer.varintField(1, 0)
        writer.stringField(2, "")
        writer.fixed64Field(3, 0)
        #expect(writer.bytes.isEmpty)
    }

    @Test(.enabled(if: OTLPReceiver.isAvailable, "python3 with the opentelemetry-proto package is not installed"))
    func aSpanWithEveryFieldDecodesWithTheOfficialClasses() throws {
        let span = OTLPSpan(
            traceID: Array(1...16), spanID: Array(17...24), traceState: "vendor=x,other=y", parentSpanID: Array(25...32),
            name: "GET /users/{id}", kind: .server, start: 1_389_719_041_897_975_000, end: 1_389_719_042_054_141_000,
            attributes: [.string("http.request.method", "GET"), .int("http.response.status_code", 503), .bool("hark.complete", false),
                OTLPAttribute("ratio", .double(0.25)), .int("zero", 0), .int("negative", -7), .string("empty", "")],
            events: [OTLPSpan.Event(time: 1_389_719_041_900_000_000, name: "response.first_byte", attributes: [.int("n", 1)])],
            links: [OTLPSpan.Link(traceID: Array(repeating: 0xAB, count: 16), spanID: Array(repeating: 0xCD, count: 8), attributes: [.string("hark.link", "same_connection")])],
            status: .error, statusMessage: "no response captured"
        )
        let body = OTLPTraceRequest.encode([(resource: OTLPResource(serviceName: "shop"), spans: [span.encoded])], scopeVersion: "0.1.0")
        let decoded = try decode("traces", body)
        let group = try #require((decoded["resourceSpans"] as? [[String: Any]])?.first)
        #expect(OTLPJSON.attributes((group["resource"] as? [String: Any])?["attributes"])["service.name"] as? String == "shop")
        let scope = try #require((group["scopeSpans"] as? [[String: Any]])?.first)
        #expect((scope["scope"] as? [String: Any])?["name"] as? String == "hark")
        #expect((scope["scope"] as? [String: Any])?["version"] as? String == "0.1.0")
        let got = try #require((scope["spans"] as? [[String: Any]])?.first)
        #expect(got["traceId"] as? String == "0102030405060708090a0b0c0d0e0f10")
        #expect(got["spanId"] as? String == "1112131415161718")
        #expect(got["parentSpanId"] as? String == "191a1b1c1d1e1f20")
        #expect(got["traceState"] as? String == "vendor=x,other=y")
        #expect(got["name"] as? String == "GET /users/{id}")
        #expect(got["kind"] as? String == "SPAN_KIND_SERVER")
        #expect(OTLPJSON.int64(got["startTimeUnixNano"]) == 1_389_719_041_897_975_000)
        #expect(OTLPJSON.int64(got["endTimeUnixNano"]) == 1_389_719_042_054_141_000)
        let attributes = OTLPJSON.attributes(got["attributes"])
        #expect(attributes["http.request.method"] as? String == "GET")
        #expect(attributes["http.response.status_code"] as? Int64 == 503)
        #expect(attributes["hark.complete"] as? Bool == false)
        #expect(attributes["ratio"] as? Double == 0.25)
        #expect(attributes["zero"] as? Int64 == 0)
        #expect(attributes["negative"] as? Int64 == -7)
        #expect(attributes["empty"] as? String == "")
        let event = try #require((got["events"] as? [[String: Any]])?.first)
        #expect(event["name"] as? String == "response.first_byte")
        #expect(OTLPJSON.int64(event["timeUnixNano"]) == 1_389_719_041_900_000_000)
        #expect(OTLPJSON.attributes(event["attributes"])["n"] as? Int64 == 1)
        let link = try #require((got["links"] as? [[String: Any]])?.first)
        #expect(link["traceId"] as? String == String(repeating: "ab", count: 16))
        #expect(link["spanId"] as? String == String(repeating: "cd", count: 8))
        let status = try #require(got["status"] as? [String: Any])
        #expect(status["code"] as? String == "STATUS_CODE_ERROR")
        #expect(status["message"] as? String == "no response captured")
    }

    @Test(.enabled(if: OTLPReceiver.isAvailable, "python3 with the opentelemetry-proto package is not installed"))
    func sumsAndHistogramsDecodeWithTheOfficialClasses() throws {
        var histogram = OTLPMetric.HistogramPoint(bounds: [0.1, 1])
        for value in [0.05, 0.1, 0.5, 3] { histogram.record(value) }
        let metrics = [
            OTLPMetric(name: "hark.http.requests", description: "d", unit: "{request}", points: [.sum([.string("http.route", "/a")], 0), .sum([.string("http.route", "/b")], 42)]),
            OTLPMetric(name: "http.client.request.duration", description: "", unit: "s", points: [.histogram([.string("http.route", "/a")], histogram)]),
        ]
        let body = OTLPMetricsRequest.encode([(resource: OTLPResource(serviceName: "shop"), metrics: metrics)], start: 1_000, time: 2_000, scopeVersion: "v")
        let decoded = try decode("metrics", body)
        let group = try #require((decoded["resourceMetrics"] as? [[String: Any]])?.first)
        let scope = try #require((group["scopeMetrics"] as? [[String: Any]])?.first)
        let got = try #require(scope["metrics"] as? [[String: Any]])
        #expect(got.map { $0["name"] as? String } == ["hark.http.requests", "http.client.request.duration"])
        let sum = try #require(got[0]["sum"] as? [String: Any])
        #expect(sum["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_CUMULATIVE")
        #expect(sum["isMonotonic"] as? Bool == true)
        let points = try #require(sum["dataPoints"] as? [[String: Any]])
        #expect(points.map { OTLPJSON.int64($0["asInt"]) } == [0, 42])
        #expect(points.map { OTLPJSON.int64($0["startTimeUnixNano"]) } == [1_000, 1_000])
        #expect(points.map { OTLPJSON.int64($0["timeUnixNano"]) } == [2_000, 2_000])
        let histogramData = try #require(got[1]["histogram"] as? [String: Any])
        #expect(histogramData["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_CUMULATIVE")
        let point = try #require((histogramData["dataPoints"] as? [[String: Any]])?.first)
        #expect(OTLPJSON.int64(point["count"]) == 4)
        #expect(abs((point["sum"] as? Double ?? 0) - 3.65) < 1e-9)
        #expect((point["bucketCounts"] as? [Any])?.compactMap(OTLPJSON.int64) == [2, 1, 1])
        #expect(point["explicitBounds"] as? [Double] == [0.1, 1])
        #expect(point["min"] as? Double == 0.05)
        #expect(point["max"] as? Double == 3)
        #expect(got[1]["unit"] as? String == "s")
    }
}
