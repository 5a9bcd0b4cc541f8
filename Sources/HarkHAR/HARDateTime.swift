public import HarkCore

/// A UTC instant with millisecond resolution, written as ISO 8601 the way HAR wants it:
/// `2014-01-14T17:04:01.819Z`.
///
/// `Timestamp` (nanoseconds in an `Int64`) ends in 2262; cookies routinely expire in 9999, so cookie
/// dates use this wider type. The conversion to calendar fields is Howard Hinnant's `civil_from_days`
/// algorithm, done in integers, without Foundation.
public struct HARDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z; negative before.
    public var millisecondsSinceEpoch: Int64

    /// The first and last instants ISO 8601's four-digit years can write; formatting clamps to them.
    static let earliest: Int64 = -62_167_219_200_000  // 0000-01-01T00:00:00.000Z
    static let latest: Int64 = 253_402_300_799_999  // 9999-12-31T23:59:59.999Z

    /// - Parameter millisecondsSinceEpoch: milliseconds since the Unix epoch.
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// The capture instant `timestamp`, rounded down to the millisecond.
    public init(_ timestamp: Timestamp) {
        let (quotient, remainder) = timestamp.nanoseconds.quotientAndRemainder(dividingBy: 1_000_000)
        self.millisecondsSinceEpoch = remainder < 0 ? quotient - 1 : quotient
    }

    /// The instant at a calendar date and time (UTC), or nil when the fields do not name a real
    /// instant (February 30th, hour 24) or the year is outside 0…9999.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, millisecond: Int = 0) {
        guard (0...9999).contains(year), (1...12).contains(month),
            (1...HARDateTime.daysInMonth(month, year: year)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second),
            (0...999).contains(millisecond)
        else { return nil }
        let days = Int64(HARDateTime.daysFromCivil(year: year, month: month, day: day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        self.millisecondsSinceEpoch = seconds * 1000 + Int64(millisecond)
    }

    public static func < (lhs: HARDateTime, rhs: HARDateTime) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// `2014-01-14T17:04:01.819Z`.
    public var description: String {
        var output = JSONOutput(pretty: false, capacity: 24)
        output.appendISO8601(self)
        return output.buffer.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// The calendar fields, after clamping to years 0…9999.
    var components: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int) {
        let clamped = min(max(millisecondsSinceEpoch, HARDateTime.earliest), HARDateTime.latest)
        let (days, millisecondOfDay) = HARDateTime.floorDivide(clamped, 86_400_000)
        let civil = HARDateTime.civilFromDays(Int(days))
        let milliseconds = Int(millisecondOfDay)
        return (
            civil.year, civil.month, civil.day, milliseconds / 3_600_000, milliseconds / 60_000 % 60,
            milliseconds / 1000 % 60, milliseconds % 1000
        )
    }

    // MARK: Calendar arithmetic (proleptic Gregorian), from http://howardhinnant.github.io/date_algorithms.html

    /// Days since 1970-01-01 of a civil date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date `days` days after 1970-01-01.
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}

extension JSONOutput {
    /// Appends `2014-01-14T17:04:01.819Z` (no quotes).
    mutating func appendISO8601(_ date: HARDateTime) {
        let c = date.components
        appendPadded(UInt64(c.year), width: 4)
        append(UInt8(ascii: "-"))
        appendPadded(UInt64(c.month), width: 2)
        append(UInt8(ascii: "-"))
        appendPadded(UInt64(c.day), width: 2)
        append(UInt8(ascii: "T"))
        appendPadded(UInt64(c.hour), width: 2)
        append(UInt8(ascii: ":"))
        appendPadded(UInt64(c.minute), width: 2)
        append(UInt8(ascii: ":"))
        appendPadded(UInt64(c.second), width: 2)
        append(UInt8(ascii: "."))
        appendPadded(UInt64(c.millisecond), width: 3)
        append(UInt8(ascii: "Z"))
    }

    /// Writes a date as a JSON string value.
    mutating func dateTime(_ date: HARDateTime) {
        beginString()
        appendISO8601(date)
        endString()
    }
}
