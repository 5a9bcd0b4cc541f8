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
