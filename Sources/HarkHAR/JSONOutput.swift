/// Appends JSON tokens to a reusable byte buffer, placing the commas, and in pretty mode the newlines and
/// two-space indentation, so that callers only say what comes next.
///
/// It never fails and never validates structure: `HARWriter` drives it in a fixed order. Keys given as
/// `StaticString` must be plain ASCII needing no escapes (they are the spec's own field names).
struct JSONOutput: ~Copyable {
    /// The JSON text produced so far (since the last `removeAll()`).
    var buffer: OutputBuffer
    /// Whether to break lines and indent.
    let pretty: Bool
    /// One entry per open object or array: whether it has a member yet (to place commas).
    private var containerHasMembers: [Bool] = []
    /// A key was just written, so the next value follows it directly.
    private var afterKey = false

    init(pretty: Bool, capacity: Int) {
        self.pretty = pretty
        self.buffer = OutputBuffer(capacity: capacity)
        containerHasMembers.reserveCapacity(32)
    }

    // MARK: Structure

    mutating func beginObject() {
        beforeValue()
        append(UInt8(ascii: "{"))
        containerHasMembers.append(false)
    }

    mutating func endObject() {
        close(UInt8(ascii: "}"))
    }

    mutating func beginArray() {
        beforeValue()
        append(UInt8(ascii: "["))
        containerHasMembers.append(false)
    }

    mutating func endArray() {
        close(UInt8(ascii: "]"))
    }

    /// Writes `"name":` for a spec field name.
    mutating func key(_ name: StaticString) {
        beforeMember()
        append(UInt8(ascii: "\""))
        appendASCII(name)
        endKey()
    }

    /// Writes a custom field's key, adding the leading underscore HAR 1.2 requires of custom fields
    /// ("Custom fields and elements MUST start with an underscore") when it is missing.
    mutating func customKey(_ name: String) {
        beforeMember()
        append(UInt8(ascii: "\""))
        if name.utf8.first != UInt8(ascii: "_") {
            append(UInt8(ascii: "_"))
        }
        appendEscaped(name)
        endKey()
    }

    /// Writes an object key that is data (a JSON object inside a custom value), escaped as given.
    mutating func dataKey(_ name: String) {
        beforeMember()
        append(UInt8(ascii: "\""))
        appendEscaped(name)
        endKey()
    }

    // MARK: Scalars

    mutating func string(_ value: String) {
        beforeValue()
        append(UInt8(ascii: "\""))
        appendEscaped(value)
        append(UInt8(ascii: "\""))
    }

    /// Opens a string whose content the caller appends in pieces with `appendEscaped` or base64.
    mutating func beginString() {
        beforeValue()
        append(UInt8(ascii: "\""))
    }

    mutating func endString() {
        append(UInt8(ascii: "\""))
    }

    /// Writes a literal ASCII string value that needs no escaping.
    mutating func string(_ value: StaticString) {
        beforeValue()
        append(UInt8(ascii: "\""))
        appendASCII(value)
        append(UInt8(ascii: "\""))
    }

    mutating func integer(_ value: Int) {
        beforeValue()
        appendDecimal(Int64(value))
    }

    mutating func integer(_ value: Int64) {
        beforeValue()
        appendDecimal(value)
    }

    mutating func bool(_ value: Bool) {
        beforeValue()
        appendASCII(value ? "true" : "false")
    }

    mutating func null() {
        beforeValue()
        appendASCII("null")
    }

    /// Writes a fixed-point number given as an integer count of `10^-decimals` units, without trailing
    /// zeros in the fraction: `fixed(12500, decimals: 3)` is `12.5`, `fixed(-1000, decimals: 3)` is `-1`.
    mutating func fixed(_ scaled: Int64, decimals: Int) {
        beforeValue()
        var unit: UInt64 = 1
        for _ in 0..<decimals { unit &*= 10 }
        let magnitude = scaled.magnitude
        if scaled < 0 { append(UInt8(ascii: "-")) }
        appendDecimal(magnitude / unit)
        var fraction = magnitude % unit
        guard fraction != 0 else { return }
        append(UInt8(ascii: "."))
        var digits = decimals
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        appendPadded(fraction, width: digits)
    }

    /// Writes an arbitrary finite double in Swift's shortest round-tripping form (valid JSON), or
    /// `null` for NaN and infinities, which JSON cannot express.
    mutating func double(_ value: Double) {
        guard value.isFinite else { return null() }
        beforeValue()
        var text = value.description
        text.withUTF8 { buffer.append($0) }
    }

    // MARK: Raw appends

    /// Appends one byte.
    @inline(__always)
    mutating func append(_ byte: UInt8) {
        buffer.append(byte)
    }

    /// Appends ASCII text as is.
    mutating func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { buffer.append($0) }
    }

    /// Appends the decimal digits of `value`.
    mutating func appendDecimal(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        appendDecimal(value.magnitude)
    }

    mutating func appendDecimal(_ value: UInt64) {
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor &*= 10 }
        while divisor > 0 {
            append(UInt8(truncatingIfNeeded: 48 &+ (value / divisor) % 10))
            divisor /= 10
        }
    }

    /// Appends `value` in decimal, left-padded with zeros to `width` digits.
    mutating func appendPadded(_ value: UInt64, width: Int) {
        var limit: UInt64 = 1
        var digits = 1
        while digits < width, limit <= UInt64.max / 10 {
            limit &*= 10
            if value < limit { append(UInt8(ascii: "0")) }
            digits += 1
        }
        appendDecimal(value)
    }

    // MARK: Layout

    private mutating func beforeValue() {
        if afterKey {
            afterKey = false
        } else {
            beforeMember()
        }
    }

    private mutating func beforeMember() {
        guard let last = containerHasMembers.indices.last else { return }
        if containerHasMembers[last] {
            append(UInt8(ascii: ","))
        } else {
            containerHasMembers[last] = true
        }
        if pretty { newline(indent: containerHasMembers.count) }
    }

    private mutating func endKey() {
        append(UInt8(ascii: "\""))
        append(UInt8(ascii: ":"))
        if pretty { append(UInt8(ascii: " ")) }
        afterKey = true
    }

    private mutating func close(_ closer: UInt8) {
        let hadMembers = containerHasMembers.popLast() ?? false
        if pretty, hadMembers { newline(indent: containerHasMembers.count) }
        append(closer)
    }

    private mutating func newline(indent: Int) {
        append(UInt8(ascii: "\n"))
        buffer.append(repeating: UInt8(ascii: " "), count: 2 * indent)
    }
}
