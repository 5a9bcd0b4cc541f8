public import HarkCore

extension JSONWriter {
    /// Writes a string value, escaped.
    public mutating func string(_ value: String) {
        beforeValue()
        buffer.append(UInt8(ascii: "\""))
        appendEscaped(value)
        buffer.append(UInt8(ascii: "\""))
    }

    /// Opens a string value whose content the caller appends in pieces with `appendEscaped`, or as
    /// base64 (``Base64/write(_:to:)``) to `buffer`.
    public mutating func beginString() {
        beforeValue()
        buffer.append(UInt8(ascii: "\""))
    }

    /// Closes a string opened with `beginString()`.
    public mutating func endString() {
        buffer.append(UInt8(ascii: "\""))
    }

    /// Writes an integer.
    public mutating func integer(_ value: Int) {
        beforeValue()
        buffer.appendDecimal(Int64(value))
    }

    /// Writes an integer.
    public mutating func integer(_ value: Int64) {
        beforeValue()
        buffer.appendDecimal(value)
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        beforeValue()
        buffer.append(ascii: value ? "true" : "false")
    }

    /// Writes `null`.
    public mutating func null() {
        beforeValue()
        buffer.append(ascii: "null")
    }

    /// Writes a fixed-point number given as an integer count of `10^-decimals` units, without trailing
    /// zeros in the fraction: `fixed(12500, decimals: 3)` is `12.5`, `fixed(-1000, decimals: 3)` is `-1`.
    public mutating func fixed(_ scaled: Int64, decimals: Int) {
        beforeValue()
        buffer.appendFixed(scaled, decimals: decimals, trimmingZeros: true)
    }

    /// Writes a time span in milliseconds with at most three decimals (whole microseconds, rounded half
    /// away from zero): 82.3261 s is `82326.1`.
    public mutating func milliseconds(_ span: TimeSpan) {
        let (microseconds, remainder) = span.nanoseconds.quotientAndRemainder(dividingBy: 1000)
        let rounded = remainder >= 500 ? microseconds &+ 1 : remainder <= -500 ? microseconds &- 1 : microseconds
        fixed(rounded, decimals: 3)
    }

    /// Writes an arbitrary finite double in Swift's shortest round-tripping form (valid JSON), or
    /// `null` for NaN and infinities, which JSON cannot express.
    public mutating func double(_ value: Double) {
        guard value.isFinite else { return null() }
        beforeValue()
        buffer.append(contentsOf: value.description)
    }

    /// Writes `"name":"value"`: a fixed key (as for `key(_:)`) and a string value.
    public mutating func member(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    /// Writes `"name":value`: a fixed key (as for `key(_:)`) and an integer.
    public mutating func member(_ name: StaticString, _ value: Int) {
        key(name)
        integer(value)
    }

    /// Writes `"name":value`: a fixed key (as for `key(_:)`) and an integer.
    public mutating func member(_ name: StaticString, _ value: Int64) {
        key(name)
        integer(value)
    }

    /// Writes a date as an ISO 8601 string value: `"2014-01-14T17:04:01.819Z"`.
    ///
    /// - Parameters:
    ///   - date: the date and time (UTC).
    ///   - fractionDigits: digits of the second's fraction, 0 to 9 (truncated).
    public mutating func iso8601(_ date: CivilDateTime, fractionDigits: Int) {
        beforeValue()
        buffer.append(UInt8(ascii: "\""))
        buffer.appendISO8601(date, fractionDigits: fractionDigits)
        buffer.append(UInt8(ascii: "\""))
    }
}
