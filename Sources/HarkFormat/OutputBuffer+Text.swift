extension OutputBuffer {
    /// Appends ASCII text as is.
    public mutating func append(ascii text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    /// Appends the UTF-8 bytes of `text`, unescaped.
    public mutating func append(contentsOf text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// Appends the decimal digits of `value`, with a leading `-` when negative.
    public mutating func appendDecimal(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        appendDecimal(value.magnitude)
    }

    /// Appends the decimal digits of `value`.
    public mutating func appendDecimal(_ value: UInt64) {
        // Count the digits by comparison, then write them last to first: dividing by the constant 10
        // compiles to a multiplication, where dividing by a running power of ten does not.
        var length = 1
        var power: UInt64 = 10
        while length < 20, value >= power {
            length &+= 1
            power = power &* 10
        }
        write(maximum: length) { digits in
            var rest = value
            var index = length
            repeat {
                index &-= 1
                digits[index] = UInt8(truncatingIfNeeded: rest % 10) &+ 48
                rest /= 10
            } while index > 0
            return length
        }
    }

    /// Appends `value` in decimal, left-padded with zeros to `width` digits: `appendPadded(7, width: 3)`
    /// writes `007`.
    public mutating func appendPadded(_ value: UInt64, width: Int) {
        var limit: UInt64 = 1
        var digits = 1
        while digits < width, limit <= UInt64.max / 10 {
            limit &*= 10
            if value < limit { append(UInt8(ascii: "0")) }
            digits += 1
        }
        appendDecimal(value)
    }

    /// Appends a fixed-point number given as an integer count of `10^-decimals` units.
    ///
    /// `appendFixed(12500, decimals: 3, trimmingZeros: true)` writes `12.5`; with `trimmingZeros: false`
    /// it writes `12.500`. No sign is written for zero.
    ///
    /// - Parameters:
    ///   - scaled: the value times `10^decimals`.
    ///   - decimals: digits after the point (0 to 18).
    ///   - trimmingZeros: whether to leave out trailing zeros of the fraction, and the point with them.
    public mutating func appendFixed(_ scaled: Int64, decimals: Int, trimmingZeros: Bool) {
        let decimals = min(max(decimals, 0), 18)
        var unit: UInt64 = 1
        for _ in 0..<decimals { unit &*= 10 }
        let magnitude = scaled.magnitude
        if scaled < 0 { append(UInt8(ascii: "-")) }
        appendDecimal(magnitude / unit)
        var fraction = magnitude % unit
        var digits = decimals
        if trimmingZeros {
            guard fraction != 0 else { return }
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
        }
        guard digits > 0 else { return }
        append(UInt8(ascii: "."))
        appendPadded(fraction, width: digits)
    }

    /// The bytes written so far as a string (invalid UTF-8 becomes U+FFFD).
    public var text: String {
        withBytes { String(decoding: $0, as: UTF8.self) }
    }
}
