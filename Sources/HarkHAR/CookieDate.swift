/// The lenient cookie date parser of RFC 6265 §5.1.1, which accepts what servers actually send in
/// `Expires` (`Wed, 21 Oct 2015 07:28:00 GMT`, `Wednesday, 21-Oct-15 07:28:00 GMT`, `Wed Oct 21 07:28:00 2015`).
enum CookieDate {
    /// The date in `text`, or nil when a required part is missing or out of range.
    static func parse(_ text: String) -> HARDateTime? {
        var time: (hour: Int, minute: Int, second: Int)?
        var dayOfMonth: Int?
        var month: Int?
        var year: Int?
        for token in text.utf8.split(whereSeparator: isDelimiter) {
            let token = Array(token)
            if time == nil, let parsed = parseTime(token) {
                time = parsed
            } else if dayOfMonth == nil, let parsed = leadingDigits(token, minimum: 1, maximum: 2) {
                dayOfMonth = parsed
            } else if month == nil, let parsed = parseMonth(token) {
                month = parsed
            } else if year == nil, let parsed = leadingDigits(token, minimum: 2, maximum: 4) {
                year = parsed
            }
        }
        guard let time, let dayOfMonth, let month, var year else { return nil }
        // §5.1.1 steps 3 and 4: two-digit years.
        if (70...99).contains(year) { year += 1900 } else if (0...69).contains(year) { year += 2000 }
        // §5.1.1 step 5: reject out-of-range parts; HARDateTime rejects days the month does not have.
        guard year >= 1601, time.hour <= 23, time.minute <= 59, time.second <= 59 else { return nil }
        return HARDateTime(year: year, month: month, day: dayOfMonth, hour: time.hour, minute: time.minute, second: time.second)
    }

    /// `delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E`.
    private static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x09, 0x20...0x2F, 0x3B...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        default: return false
        }
    }

    /// `1*2DIGIT ":" 1*2DIGIT ":" 1*2DIGIT ( non-digit *OCTET )`.
    private static func parseTime(_ token: [UInt8]) -> (Int, Int, Int)? {
        var index = 0
        var parts: [Int] = []
        while parts.count < 3 {
            var value = 0
            var digits = 0
            while index < token.count, digits < 2, let digit = digitValue(token[index]) {
                value = value * 10 + digit
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            parts.append(value)
            if parts.count < 3 {
                guard index < token.count, token[index] == UInt8(ascii: ":") else { return nil }
                index += 1
            }
        }
        guard index == token.count || digitValue(token[index]) == nil else { return nil }
        return (parts[0], parts[1], parts[2])
    }

    /// `minimum*maximumDIGIT ( non-digit *OCTET )`.
    private static func leadingDigits(_ token: [UInt8], minimum: Int, maximum: Int) -> Int? {
        var value = 0
        var count = 0
        while count < token.count, let digit = digitValue(token[count]) {
            guard count < maximum else { return nil }
            value = value * 10 + digit
            count += 1
        }
        return count >= minimum ? value : nil
    }

    /// `month = ( "jan" / "feb" / … / "dec" ) *OCTET`, case-insensitive.
    private static func parseMonth(_ token: [UInt8]) -> Int? {
        guard token.count >= 3 else { return nil }
        let prefix = String(decoding: token[0..<3].map(\.asciiLowercased), as: UTF8.self)
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        return months.firstIndex(of: prefix).map { $0 + 1 }
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
