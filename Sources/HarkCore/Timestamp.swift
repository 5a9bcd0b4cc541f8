/// A point in capture time: nanoseconds since the Unix epoch (1970-01-01T00:00:00Z).
///
/// Capture formats store seconds plus a fraction at microsecond, nanosecond or another resolution;
/// readers convert to nanoseconds so that every layer above compares and subtracts plain integers.
public struct Timestamp: Hashable, Comparable, Sendable {
    /// Nanoseconds since the Unix epoch. Negative values are before 1970.
    public var nanoseconds: Int64

    /// - Parameter nanoseconds: nanoseconds since the Unix epoch.
    @inlinable
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    /// Builds a timestamp from whole seconds and a fraction counted in `unitsPerSecond`, saturating
    /// instead of overflowing on absurd values from the wire.
    ///
    /// - Parameters:
    ///   - seconds: whole seconds since the epoch.
    ///   - fraction: the sub-second part, in units of `1 / unitsPerSecond`.
    ///   - unitsPerSecond: the resolution of `fraction` (1_000_000 for microseconds).
    @inlinable
    public init(seconds: Int64, fraction: Int64, unitsPerSecond: Int64) {
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let fractionNanos: Int64
        if unitsPerSecond == 1_000_000_000 {
            fractionNanos = fraction
        } else if unitsPerSecond > 0, unitsPerSecond < 1_000_000_000, 1_000_000_000 % unitsPerSecond == 0 {
            fractionNanos = fraction.multipliedReportingOverflow(by: 1_000_000_000 / unitsPerSecond).partialValue
        } else if unitsPerSecond > 0 {
            // Uncommon resolutions (binary fractions, picoseconds): scale through Double.
            fractionNanos = Int64(clamping: Int((Double(fraction) * 1e9 / Double(unitsPerSecond)).rounded()))
        } else {
            fractionNanos = 0
        }
        let (sum, sumOverflow) = whole.addingReportingOverflow(fractionNanos)
        self.nanoseconds = overflow || sumOverflow ? (seconds < 0 ? .min : .max) : sum
    }

    /// Seconds since the epoch as a floating-point value.
    @inlinable
    public var secondsSinceEpoch: Double { Double(nanoseconds) / 1e9 }

    @inlinable
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// The duration from `earlier` to `self`, saturating on overflow.
    @inlinable
    public func since(_ earlier: Timestamp) -> TimeSpan {
        TimeSpan(nanoseconds: nanoseconds.subtractingReportingOverflow(earlier.nanoseconds).partialValue)
    }

    /// `self` moved forward by `span`, saturating on overflow.
    @inlinable
    public func advanced(by span: TimeSpan) -> Timestamp {
        let (sum, overflow) = nanoseconds.addingReportingOverflow(span.nanoseconds)
        return Timestamp(nanoseconds: overflow ? (span.nanoseconds < 0 ? .min : .max) : sum)
    }
}

/// A signed length of time in nanoseconds, for latencies, round-trip times and idle timeouts.
public struct TimeSpan: Hashable, Comparable, Sendable {
    /// The length in nanoseconds.
    public var nanoseconds: Int64

    @inlinable
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    /// A span of `value` seconds.
    @inlinable
    public static func seconds(_ value: Int64) -> TimeSpan {
        TimeSpan(nanoseconds: value.multipliedReportingOverflow(by: 1_000_000_000).partialValue)
    }

    /// A span of `value` milliseconds.
    @inlinable
    public static func milliseconds(_ value: Int64) -> TimeSpan {
        TimeSpan(nanoseconds: value.multipliedReportingOverflow(by: 1_000_000).partialValue)
    }

    /// The span in milliseconds, with fraction.
    @inlinable
    public var milliseconds: Double { Double(nanoseconds) / 1e6 }

    /// The span in seconds, with fraction.
    @inlinable
    public var seconds: Double { Double(nanoseconds) / 1e9 }

    @inlinable
    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }
}
