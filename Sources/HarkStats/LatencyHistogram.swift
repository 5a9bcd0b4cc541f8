public import HarkCore
import Histogram

/// Latencies recorded in an HdrHistogram (microsecond units, three significant digits), so that
/// percentiles are read from the distribution itself rather than estimated from averages.
///
/// Each value is kept to within 0.1 % (exactly below 2.048 ms); the maximum is kept exactly. Memory
/// grows with the largest value recorded, not with the number of values: about 45 kB for sub-second
/// latencies, at most about 95 kB, because values are capped at ``ceiling``.
///
/// ### Example
///
/// ```swift
/// var latencies = LatencyHistogram()
/// latencies.record(.milliseconds(93))
/// latencies.summary?.p99          // 93 ms (to within 0.1 %)
/// ```
public struct LatencyHistogram: Sendable {
    /// Values above this (one hour) are recorded as this; ``maximum`` still holds the true largest.
    public static let ceiling = TimeSpan.seconds(3600)

    private var histogram = Histogram<UInt32>(numberOfSignificantValueDigits: .three)
    /// How many values were recorded.
    public private(set) var count = 0
    /// The largest value recorded, exactly; nil while empty.
    public private(set) var maximum: TimeSpan?

    /// An empty histogram.
    public init() {}

    /// Records one latency; negative spans (clock steps in the capture) count as zero.
    public mutating func record(_ span: TimeSpan) {
        // Counts are 32-bit: stop adding to the distribution (never to `count`) before one could wrap.
        guard histogram.totalCount < UInt64(UInt32.max) else { return }
        let clamped = min(max(span.nanoseconds, 0), Self.ceiling.nanoseconds)
        histogram.record(UInt64(clamped / 1000))
        count &+= 1
        if maximum.map({ span > $0 }) ?? true {
            maximum = span
        }
    }

    /// The nearest-rank percentile (0–100): the smallest recorded value that at least `percentile` %
    /// of the values are at or below, as the top of its histogram bucket; nil while empty.
    public func percentile(_ percentile: Double) -> TimeSpan? {
        guard count > 0 else { return nil }
        let microseconds = histogram.valueAtPercentile(percentile)
        return TimeSpan(nanoseconds: Int64(clamping: microseconds).multipliedReportingOverflow(by: 1000).partialValue)
    }

    /// p50, p90, p99 and the maximum; nil while empty.
    public var summary: LatencySummary? {
        guard let maximum, let p50 = percentile(50), let p90 = percentile(90), let p99 = percentile(99) else {
            return nil
        }
        return LatencySummary(count: count, p50: p50, p90: p90, p99: p99, maximum: maximum)
    }
}

/// The percentiles `hark stats` reports for a group of exchanges.
public struct LatencySummary: Hashable, Sendable {
    /// How many latencies the percentiles are taken over.
    public var count: Int
    /// The median.
    public var p50: TimeSpan
    /// The 90th percentile.
    public var p90: TimeSpan
    /// The 99th percentile.
    public var p99: TimeSpan
    /// The largest latency, exact.
    public var maximum: TimeSpan

    /// - Parameters: as the properties of the same names.
    public init(count: Int, p50: TimeSpan, p90: TimeSpan, p99: TimeSpan, maximum: TimeSpan) {
        self.count = count
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.maximum = maximum
    }
}
