import Foundation
import HarkTestSupport
import Testing

@testable import HarkOTLP

/// W3C `traceparent` parsing, and a request's context honoured end to end.
@Suite struct TraceContextTests {
    @Test func aValidTraceparentGivesTheTraceAndTheParentSpan() throws {
        // The example of https://www.w3.org/TR/trace-context/#examples-of-http-traceparent-headers.
        let context = try #require(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", tracestate: "congo=t61rcWkgMzE"))
        #expect(context.traceID == [0x4B, 0xF9, 0x2F, 0x35, 0x77, 0xB3, 0x4D, 0xA6, 0xA3, 0xCE, 0x92, 0x9D, 0x0E, 0x0E, 0x47, 0x36])
        #expect(context.parentSpanID == [0x00, 0xF0, 0x67, 0xAA, 0x0B, 0xA9, 0x02, 0xB7])
        #expect(context.traceState == "congo=t61rcWkgMzE")
        // A later version may add fields after the flags.
        #expect(TraceContext(traceparent: "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-will-be-like") != nil)
    }

    @Test(arguments: [
        "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bx-01",
    ])
    func malformedTraceparentsAreIgnored(_ header: String) {
        #expect(TraceContext(traceparent: header) == nil)
    }

    @Test(.enabled(if: OTLPReceiver.canRunHark, "needs python3 with opentelemetry-proto and the hark executable"))
    func aRequestsTraceparentMakesItsSpanAChildInThatTrace() throws {
        var conversation = TCPConversation()
        let response = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8)
        conversation.client(Array("GET /orders/12345?x=1 HTTP/1.1\r\nHost: shop.test\r\ntraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\ntracestate: congo=t61rcWkgMzE\r\nUser-Agent: t/1\r\n\r\n".utf8))
        conversation.server(response)
        conversation.client(Array("GET /orders/777 HTTP/1.1\r\nHost: shop.test\r\n\r\n".utf8))
        conversation.server(Array("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n".utf8))
        conversation.close()
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-traceparent-\(getpid()).pcap")
        try Data(conversation.pcap.bytes).write(to: capture)
        defer { try? FileManager.default.removeItem(at: capture) }
        let receiver = try OTLPReceiver()
        let run = try HarkBinary.run(["trace", capture.path, "--otlp", receiver.url, "--otlp-span-kind", "server"])
        #expect(run.status == 0, "\(run.errors)")
        let spans = receiver.spans().sorted { ($0["startTimeUnixNano"] as? String ?? "") < ($1["startTimeUnixNano"] as? String ?? "") }
        try #require(spans.count == 2)
        #expect(spans[0]["traceId"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(spans[0]["parentSpanId"] as? String == "00f067aa0ba902b7")
        #expect(spans[0]["traceState"] as? String == "congo=t61rcWkgMzE")
        #expect(spans[0]["spanId"] as? String != "00f067aa0ba902b7")
        // Without a traceparent: a trace of its own, no parent.
        #expect(spans[1]["traceId"] as? String != "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(spans[1]["parentSpanId"] == nil)
        // SERVER spans: the route, path and query, the client as peer; a 503 is an error of the server.
        #expect(spans.map { $0["name"] as? String } == ["GET /orders/{id}", "GET /orders/{id}"])
        #expect(spans.map { $0["kind"] as? String } == ["SPAN_KIND_SERVER", "SPAN_KIND_SERVER"])
        let attributes = OTLPJSON.attributes(spans[0]["attributes"])
        #expect(attributes["http.route"] as? String == "/orders/{id}")
        #expect(attributes["url.path"] as? String == "/orders/12345")
        #expect(attributes["url.query"] as? String == "x=1")
        #expect(attributes["user_agent.original"] as? String == "t/1")
        #expect(attributes["network.peer.address"] as? String == "10.0.0.1")
        #expect(attributes["client.address"] as? String == "10.0.0.1")
        #expect(attributes["server.address"] as? String == "shop.test")
        #expect(spans[0]["status"] as? [String: Any] == nil || (spans[0]["status"] as? [String: Any])?.isEmpty == true)
        #expect((spans[1]["status"] as? [String: Any])?["code"] as? String == "STATUS_CODE_ERROR")
        #expect(OTLPJSON.attributes(spans[1]["attributes"])["error.type"] as? String == "503")
    }
}
