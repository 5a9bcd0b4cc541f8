import Foundation
import HarkTestSupport
import Testing

/// Spans of the protocols beside HTTP/1 and HTTP/2: FastCGI, linked to the HTTP exchange it served, and
/// HTTP/3 over QUIC.
struct OTLPOtherProtocolsTests {
    private static func protocolName(_ span: [String: Any]) -> String? {
        OTLPJSON.attributes(span["attributes"])["network.protocol.name"] as? String
    }

    @Test(.enabled(if: OTLPReceiver.canRunHark && FastCGILoopbackRecorder.unavailableReason == nil,
                   "needs python3 with opentelemetry-proto, the hark executable, nginx and php-fpm"))
    func eachHTTPSpanIsLinkedToTheFastCGISpanThatServedIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-otlp-fcgi-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recording = try FastCGILoopbackRecorder.record(directory: directory)
        let receiver = try OTLPReceiver()
        let run = try HarkBinary.run(["stats", recording.capture.path, "--otlp", receiver.url])
        #expect(run.status == 0, "\(run.errors)")
        let spans = receiver.spans()
        let protocolName = Self.protocolName
        let fastCGI = spans.filter { protocolName($0) == "fastcgi" }
        let http = spans.filter { protocolName($0) == "http" }
        #expect(fastCGI.count == 6 && http.count == 6, "\(fastCGI.count) FastCGI spans, \(http.count) HTTP spans")
        #expect(fastCGI.allSatisfy { OTLPJSON.attributes($0["attributes"])["network.protocol.version"] as? String == "1" })

        // Each pair once: the span reported second links to the first (hark.link says which hop it is).
        let spanIDs = Dictionary(spans.compactMap { span in (span["spanId"] as? String).map { ($0, span) } }, uniquingKeysWith: { first, _ in first })
        var pairs = 0
        for span in spans {
            for link in span["links"] as? [[String: Any]] ?? [] {
                let kind = OTLPJSON.attributes(link["attributes"])["hark.link"] as? String
                guard kind == "upstream" || kind == "downstream" else { continue }
                let other = try #require(spanIDs[link["spanId"] as? String ?? ""], "a hop link to a span that was not exported")
                let (front, back) = kind == "upstream" ? (span, other) : (other, span)
                #expect(protocolName(front) == "http" && protocolName(back) == "fastcgi", "\(kind ?? "")")
                #expect(front["name"] as? String == back["name"] as? String, "same method and route on both hops")
                pairs += 1
            }
        }
        #expect(pairs == 6)
    }

    /// The aioquic recording (HTTP/3 with a key log): one span per request stream, over QUIC; without the
    /// key log the connection is no HTTP exchange and makes no span, as in `hark stats`.
    @Test(.enabled(if: OTLPReceiver.canRunHark, "needs python3 with opentelemetry-proto and the hark executable"))
    func http3RequestsBecomeSpansOverQUIC() throws {
        let capture = Fixtures.recorded("h3-aioquic-requests.pcap").path
        let keys = Fixtures.recorded("h3-aioquic-requests.keys").path
        let trace = try HarkBinary.run(["trace", "--json", capture, "--keylog", keys])
        let exchanges = trace.output.split(separator: "\n").filter { $0.contains("\"type\":\"exchange\"") && $0.contains("\"protocol\":\"h3\"") }
        #expect(exchanges.count >= 7, "\(exchanges.count) HTTP/3 exchanges in the trace")

        let keyed = try OTLPReceiver()
        #expect(try HarkBinary.run(["stats", capture, "--keylog", keys, "--otlp", keyed.url]).status == 0)
        let spans = keyed.spans()
        #expect(spans.count == exchanges.count)
        for span in spans {
            let attributes = OTLPJSON.attributes(span["attributes"])
            #expect(attributes["network.transport"] as? String == "quic")
            #expect(attributes["network.protocol.version"] as? String == "3")
            #expect((attributes["url.full"] as? String)?.hasPrefix("https://localhost/") == true)
        }
        #expect(spans.contains { OTLPJSON.attributes($0["attributes"])["http.response.status_code"] as? Int64 == 404 })

        let unkeyed = try OTLPReceiver()
        #expect(try HarkBinary.run(["stats", capture, "--otlp", unkeyed.url]).status == 0)
        #expect(unkeyed.spans().isEmpty)
    }
}
