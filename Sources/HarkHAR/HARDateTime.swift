public import HarkCore
import HarkFormat

/// A UTC instant with millisecond resolution, written as ISO 8601 the way HAR wants it:
/// `2014-01-14T17:04:01.819Z`.
///
/// `Timestamp` (nanoseconds in an `Int64`) ends in 2262; cookies routinely expire in 9999, so cookie
/// dates use this wider type. Calendar fields come from HarkFormat's `CivilDateTime`.
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
        guard (0...999).contains(millisecond),
            let civil = CivilDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        self.millisecondsSinceEpoch = civil.secondsSinceEpoch * 1000 + Int64(millisecond)
    }

    public static func < (lhs: HARDateTime, rhs: HARDateTime) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// `2014-01-14T17:04:01.819Z`.
    public var description: String {
        var text = OutputBuffer(capacity: 32)
        text.appendISO8601(civil, fractionDigits: 3)
        return text.text
    }

    /// The calendar fields, after clamping to years 0…9999.
    var civil: CivilDateTime {
        let clamped = min(max(millisecondsSinceEpoch, HARDateTime.earliest), HARDateTime.latest)
        var (seconds, millisecond) = clamped.quotientAndRemainder(dividingBy: 1000)
        if millisecond < 0 {
            millisecond += 1000
            seconds -= 1
        }
        return CivilDateTime(secondsSinceEpoch: seconds, nanosecond: Int(millisecond) * 1_000_000)
    }
}

extension JSONWriter {
    /// Writes a date as a JSON string value.
    mutating func dateTime(_ date: HARDateTime) {
        iso8601(date.civil, fractionDigits: 3)
    }
}
