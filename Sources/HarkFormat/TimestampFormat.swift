public import HarkCore

/// Renders timestamps and durations for people and for JSON, without Foundation's formatters.
public enum TimestampFormat {
    /// ISO 8601 in UTC with `fractionDigits` (0–9) digits of seconds: `2014-01-14T17:04:01.819Z`.
    public static func iso8601(_ timestamp: Timestamp, fractionDigits: Int = 3) -> String {
        let nanos = timestamp.nanoseconds
        var seconds = nanos / 1_000_000_000
        var fraction = nanos % 1_000_000_000
        if fraction < 0 {
            fraction += 1_000_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        text += "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        let digits = min(max(fractionDigits, 0), 9)
        if digits > 0 {
            var divisor: Int64 = 1
            for _ in 0..<(9 - digits) { divisor *= 10 }
            text += "." + pad(fraction / divisor, digits)
        }
        return text + "Z"
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

    /// `value` with exactly `places` decimals.
    public static func decimal(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return value < 0 ? "-9e18" : "9e18" }
        let integer = Int64(scaled)
        let sign = value < 0 && integer != 0 ? "-" : ""
        let whole = integer / Int64(scale)
        guard places > 0 else { return sign + String(whole) }
        return sign + String(whole) + "." + pad(integer % Int64(scale), places)
    }

    /// Year, month and day of a day count from 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let sign = value < 0 ? "-" : ""
        return sign + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
