public import HarkCore

/// Renders timestamps and durations for people and for JSON, without Foundation's formatters.
public enum TimestampFormat {
    /// ISO 8601 in UTC with `fractionDigits` (0–9, truncated) digits of seconds:
    /// `2014-01-14T17:04:01.819Z`.
    public static func iso8601(_ timestamp: Timestamp, fractionDigits: Int = 3) -> String {
        var text = OutputBuffer(capacity: 32)
        text.appendISO8601(CivilDateTime(timestamp), fractionDigits: fractionDigits)
        return text.text
    }

    /// A duration with a unit that keeps it short: `850 µs`, `93.2 ms`, `17.49 s`, `2 min 5 s`.
    public static func duration(_ span: TimeSpan) -> String {
        let nanos = span.nanoseconds
        let magnitude = nanos.magnitude
        if magnitude < 1_000_000 {
            return "\(nanos / 1000) µs"
        }
        if magnitude < 1_000_000_000 {
            return decimal(span.milliseconds, places: 1) + " ms"
        }
        if magnitude < 120_000_000_000 {
            return decimal(span.seconds, places: 2) + " s"
        }
        let totalSeconds = nanos / 1_000_000_000
        return "\(totalSeconds / 60) min \(totalSeconds % 60) s"
    }

    /// `value` with exactly `places` (0–9) decimals, rounded; `0` when it is not finite.
    public static func decimal(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return "0" }
        let places = min(max(places, 0), 9)
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return value < 0 ? "-9e18" : "9e18" }
        var text = OutputBuffer(capacity: 32)
        text.appendFixed(value < 0 ? -Int64(scaled) : Int64(scaled), decimals: places, trimmingZeros: false)
        return text.text
    }
}
