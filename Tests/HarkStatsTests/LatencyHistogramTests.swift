import HarkCore
import HarkStats
import Testing

struct LatencyHistogramTests {
    /// 1…1000 µs, each once: below 2048 µs the histogram is exact, so the nearest-rank percentiles are
    /// the hand-computed ones: rank ⌈p/100 × 1000⌉.
    @Test func percentilesOfSmallValuesAreExact() throws {
        var histogram = LatencyHistogram()
        for microseconds in (1...1000).reversed() {
            histogram.record(TimeSpan(nanoseconds: Int64(microseconds) * 1000))
        }
        let summary = try #require(histogram.summary)
        #expect(summary.count == 1000)
        #expect(summary.p50 == TimeSpan(nanoseconds: 500_000))
        #expect(summary.p90 == TimeSpan(nanoseconds: 900_000))
        #expect(summary.p99 == TimeSpan(nanoseconds: 990_000))
        #expect(summary.maximum == TimeSpan(nanoseconds: 1_000_000))
    }

    /// Ten latencies in milliseconds: 12, 15, 20, 22, 30, 41, 55, 80, 120, 950. Nearest rank: p50 is
    /// the 5th (30 ms), p90 the 9th (120 ms), p99 the 10th (950 ms). Above 2 ms the histogram keeps
    /// three significant digits, so each is within 0.1 % (never below the true value).
    @Test func percentilesOfMillisecondsAreWithinAThousandth() throws {
        var histogram = LatencyHistogram()
        for milliseconds: Int64 in [80, 12, 950, 22, 15, 41, 30, 120, 20, 55] {
            histogram.record(.milliseconds(milliseconds))
        }
        let summary = try #require(histogram.summary)
        for (value, expected) in [(summary.p50, 30.0), (summary.p90, 120.0), (summary.p99, 950.0)] {
            #expect(value.milliseconds >= expected && value.milliseconds <= expected * 1.001, "\(value.milliseconds) vs \(expected)")
        }
        #expect(summary.maximum == .milliseconds(950))
    }

    @Test func emptyHistogramHasNoSummary() {
        #expect(LatencyHistogram().summary == nil)
        #expect(LatencyHistogram().percentile(50) == nil)
    }

    @Test func negativeSpansCountAsZeroAndHugeOnesAreCapped() throws {
        var histogram = LatencyHistogram()
        histogram.record(TimeSpan(nanoseconds: -5_000_000))
        histogram.record(.seconds(10 * 86_400))
        let summary = try #require(histogram.summary)
        #expect(summary.p50 == TimeSpan(nanoseconds: 0))
        // The distribution stops at the ceiling; the maximum is the true value.
        #expect(summary.p99 <= LatencyHistogram.ceiling)
        #expect(summary.p99.nanoseconds >= LatencyHistogram.ceiling.nanoseconds * 999 / 1000)
        #expect(summary.maximum == .seconds(10 * 86_400))
    }
}
