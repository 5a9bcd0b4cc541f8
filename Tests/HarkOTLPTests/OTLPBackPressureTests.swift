import Foundation
import HarkTestSupport
import Testing

/// A Collector that is down, slow, or answers 503: hark's run is not held up beyond the flush timeout,
/// what it could not deliver is counted on standard error, and retries honour `Retry-After`.
@Suite(.serialized) struct OTLPBackPressureTests {
    static let capture = Fixtures.corpus("http1-browse-bro-org.pcap").path

    /// Runs hark and returns its result and how long it took, in seconds.
    private func timedRun(_ arguments: [String]) throws -> (run: (status: Int32, output: String, errors: String), seconds: Double) {
        let start = Date()
        let run = try HarkBinary.run(arguments)
        return (run, Date().timeIntervalSince(start))
    }

    @Test(.enabled(if: HarkBinary.url != nil, "needs the hark executable"))
    func aCollectorThatIsDownDelaysTheExitByTheFlushTimeoutAtMost() throws {
        let port = FreePort.next()  // nothing listens there
        let plain = try HarkBinary.run(["trace", Self.capture])
        let (run, seconds) = try timedRun(["trace", Self.capture, "--otlp", "http://127.0.0.1:\(port)", "--otlp-flush-timeout", "1"])
        #expect(run.status == 0)
        #expect(run.output == plain.output)  // the view is unchanged
        #expect(run.errors.contains("otlp: cannot reach the Collector at http://127.0.0.1:\(port)"), "\(run.errors)")
        #expect(run.errors.contains("31 spans not delivered"), "\(run.errors)")
        #expect(seconds < 1 + 4, "took \(seconds) s")
    }

    @Test(.enabled(if: OTLPReceiver.canRunHark, "needs python3 with opentelemetry-proto and the hark executable"))
    func retryAfterIsHonouredAndNothingIsLost() throws {
        let receiver = try OTLPReceiver(["--fail", "2", "503", "1"])
        let (run, seconds) = try timedRun(["stats", Self.capture, "--otlp", receiver.url, "--otlp-flush-timeout", "10"])
        #expect(run.status == 0)
        #expect(!run.errors.contains("not delivered"), "\(run.errors)")
        #expect(receiver.spans().count == 31)
        #expect(seconds >= 2, "two answers said Retry-After: 1, yet it took \(seconds) s")
        #expect(seconds < 10)
    }

    @Test(.enabled(if: OTLPReceiver.canRunHark, "needs python3 with opentelemetry-proto and the hark executable"))
    func aSlowCollectorMakesTheQueueDropTheOldestAndCountThem() throws {
        let receiver = try OTLPReceiver(["--delay", "3"])
        let (run, seconds) = try timedRun([
            "trace", Self.capture, "--otlp", receiver.url, "--otlp-queue-size", "4", "--otlp-flush-timeout", "1",
        ])
        #expect(run.status == 0)
        let dropped = run.errors.split(separator: "\n").first { $0.contains("spans dropped (queue full)") }
        #expect(dropped != nil, "\(run.errors)")
        #expect(seconds < 1 + 4, "took \(seconds) s")
    }
}
