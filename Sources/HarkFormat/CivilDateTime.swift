public import HarkCore

/// A UTC date and time of day in the proleptic Gregorian calendar, the fields an ISO 8601 timestamp
/// shows: `2014-01-14T17:04:01.819644Z`.
///
/// The conversions are Howard Hinnant's `civil_from_days` and `days_from_civil`
/// (http://howardhinnant.github.io/date_algorithms.html), done in integers without Foundation. Every
/// `Int64` second count converts without trapping (years roughly ±292 billion).
///
/// ### Example
///
/// ```swift
/// let date = CivilDateTime(timestamp)                 // from a capture timestamp
/// var text = OutputBuffer(capacity: 32)
/// text.appendISO8601(date, fractionDigits: 6)         // 2014-01-14T17:04:01.819644Z
/// ```
public struct CivilDateTime: Hashable, Sendable {
    /// The year; 0 is 1 BC (ISO 8601's astronomical numbering).
    public let year: Int
    /// The month, 1 to 12.
    public let month: Int
    /// The day of the month, 1 to 31.
    public let day: Int
    /// The hour, 0 to 23.
    public let hour: Int
    /// The minute, 0 to 59.
    public let minute: Int
    /// The second, 0 to 59 (leap seconds do not exist in Unix time).
    public let second: Int
    /// The fraction of the second in nanoseconds, 0 to 999,999,999.
    public let nanosecond: Int

    /// The fields of the instant `secondsSinceEpoch` seconds and `nanosecond` nanoseconds after
    /// 1970-01-01T00:00:00Z.
    ///
    /// - Parameters:
    ///   - secondsSinceEpoch: whole seconds since the Unix epoch; negative before it.
    ///   - nanosecond: the fraction of that second, clamped to 0…999,999,999.
    public init(secondsSinceEpoch: Int64, nanosecond: Int = 0) {
        var days = secondsSinceEpoch / 86_400
        var secondOfDay = secondsSinceEpoch % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        // Hinnant's civil_from_days: eras of 400 years (146,097 days) starting on 0000-03-01.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
        self.month = Int(month)
        self.day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        self.hour = Int(secondOfDay / 3600)
        self.minute = Int(secondOfDay / 60 % 60)
        self.second = Int(secondOfDay % 60)
        self.nanosecond = min(max(nanosecond, 0), 999_999_999)
    }

    /// The fields of a capture timestamp.
    public init(_ timestamp: Timestamp) {
        var (seconds, fraction) = timestamp.nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        if fraction < 0 {
            fraction += 1_000_000_000
            seconds -= 1
        }
        self.init(secondsSinceEpoch: seconds, nanosecond: Int(fraction))
    }

    /// The given fields, or nil when they do not name a real instant (February 30th, hour 24) or the
    /// year is outside 0…9999, the years ISO 8601 writes with four digits.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, nanosecond: Int = 0) {
        guard (0...9999).contains(year), (1...12).contains(month),
            (1...CivilDateTime.daysInMonth(month, year: year)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second),
            (0...999_999_999).contains(nanosecond)
        else { return nil }
        let seconds = CivilDateTime.secondsSinceEpoch(year: year, month: month, day: day)
        self.init(secondsSinceEpoch: seconds &+ Int64(hour * 3600 + minute * 60 + second), nanosecond: nanosecond)
    }

    /// Whole seconds since 1970-01-01T00:00:00Z (the fraction is in `nanosecond`).
    public var secondsSinceEpoch: Int64 {
        CivilDateTime.secondsSinceEpoch(year: year, month: month, day: day) &+ Int64(hour * 3600 + minute * 60 + second)
    }

    /// Seconds from the epoch to the start of a day (Hinnant's `days_from_civil`, times 86,400).
    ///
    /// Wrapping arithmetic: for every date made from an `Int64` the instant fits in an `Int64`, but the
    /// start of its day alone may not, near `Int64.min`.
    private static func secondsSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = Int64((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1)
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return (era * 146_097 + dayOfEra - 719_468) &* 86_400
    }

    /// Whether `year` has a February 29th.
    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// The number of days in `month` (1…12) of `year`.
    public static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension OutputBuffer {
    /// Appends `date` as ISO 8601 in UTC, without quotes: `2014-01-14T17:04:01.819Z`.
    ///
    /// - Parameters:
    ///   - date: the date and time.
    ///   - fractionDigits: digits of the second's fraction (0 to 9; 0 leaves out the point), truncated,
    ///     not rounded, so that a time never reads later than it was.
    public mutating func appendISO8601(_ date: CivilDateTime, fractionDigits: Int) {
        if date.year < 0 { append(UInt8(ascii: "-")) }
        appendPadded(UInt64(date.year.magnitude), width: 4)
        append(UInt8(ascii: "-"))
        appendPadded(UInt64(date.month), width: 2)
        append(UInt8(ascii: "-"))
        appendPadded(UInt64(date.day), width: 2)
        append(UInt8(ascii: "T"))
        appendPadded(UInt64(date.hour), width: 2)
        append(UInt8(ascii: ":"))
        appendPadded(UInt64(date.minute), width: 2)
        append(UInt8(ascii: ":"))
        appendPadded(UInt64(date.second), width: 2)
        let digits = min(max(fractionDigits, 0), 9)
        if digits > 0 {
            var divisor = 1
            for _ in 0..<(9 - digits) { divisor *= 10 }
            append(UInt8(ascii: "."))
            appendPadded(UInt64(date.nanosecond / divisor), width: digits)
        }
        append(UInt8(ascii: "Z"))
    }
}
