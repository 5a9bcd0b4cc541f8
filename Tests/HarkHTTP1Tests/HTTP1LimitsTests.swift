import HarkCore
import HarkHTTP1
import Testing

@Suite struct HTTP1LimitsTests {
    @Test func absurdLimitsAreClampedAndNothingCrashes() {
        let absurd = HTTP1Limits(
            maxHeadBytes: -5,
            maxHeaderCount: -1,
            maxBodyBytes: -1,
            maxDecodedBodyBytes: 0,
            maxPendingRequests: 0,
            maxHeldBytes: -1
        )
        #expect(
            HTTP1Analyzer(limits: absurd).limits
                == HTTP1Limits(
                    maxHeadBytes: 16,
                    maxHeaderCount: 0,
                    maxBodyBytes: 0,
                    maxDecodedBodyBytes: 1,
                    maxPendingRequests: 1,
                    maxHeldBytes: 0
                )
        )
        let events = runAllWays(
            [
                .client(CorpusMessages.firefoxCSSRequest + wire("GET / HTTP/1.1", "", "")),
                .server(wire("HTTP/1.1 200 OK", "Content-Length: 2", "", "") + "ok"),
            ] + Step.finishBoth(),
            limits: absurd
        )
        #expect(events.diagnostics.contains { $0.kind == .headTooLarge })
    }
}

@Suite struct HTTP1SegmentationCostTests {
    /// A 60 KiB head fed one byte at a time must stay linear: carried bytes are appended in place,
    /// never copied per segment.
    @Test(.timeLimit(.minutes(1)))
    func largeHeadFedByteByByte() throws {
        let head = wire("GET /big HTTP/1.1", "X-Pad: " + String(repeating: "p", count: 60_000), "", "")
        let events = run([.client(head), .server(wire("HTTP/1.1 204 No Content", "", ""))], feeding: .byteByByte)
        let exchange = try #require(events.exchanges.first)
        #expect(exchange.request.headSize == head.utf8.count)
    }
}
