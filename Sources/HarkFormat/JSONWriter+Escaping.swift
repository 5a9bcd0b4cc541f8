extension JSONWriter {
    /// Appends the content of a JSON string (without quotes): RFC 8259 §7 requires escaping the quotation
    /// mark, the reverse solidus and the control characters U+0000 through U+001F; everything else,
    /// multi-byte UTF-8 included, is copied as is.
    ///
    /// The bytes must be valid UTF-8 for the result to be valid JSON: a Swift `String` always is; raw
    /// bytes go through ``UTF8Validation`` first. Eight bytes are checked at a time: a word with
    /// nothing to escape is copied whole, and in one that has something, the bytes before the first
    /// such byte are copied at once (text bodies have a line break every few dozen bytes, so most
    /// words that need an escape need only one).
    public mutating func appendEscaped(_ input: UnsafeBufferPointer<UInt8>) {
        guard let source = input.baseAddress, !input.isEmpty else { return }
        let count = input.count
        // The worst case: every byte becomes a six-byte `\u00XX`; the whole-word store after the
        // last escape may write up to seven bytes past what it keeps, so reserve those too.
        buffer.write(maximum: count &* 6 &+ 8) { pointer in
            let target = UnsafeMutableRawPointer(pointer)
            var read = 0
            var written = 0
            while read &+ 8 <= count {
                let word = UnsafeRawPointer(source + read).loadUnaligned(as: UInt64.self)
                target.storeBytes(of: word, toByteOffset: written, as: UInt64.self)
                let escapes = JSONWriter.escapeMask(UInt64(littleEndian: word))
                if escapes == 0 {
                    read &+= 8
                    written &+= 8
                } else {
                    // In little-endian order the lowest flagged byte is the first in memory, and it is exact
                    // (the bit tricks' false positives only sit above a true one).
                    let clean = escapes.trailingZeroBitCount &>> 3
                    read &+= clean
                    written &+= clean
                    written &+= JSONWriter.writeEscaped(source[read], to: target + written)
                    read &+= 1
                }
            }
            while read < count {
                written &+= JSONWriter.writeEscaped(source[read], to: target + written)
                read &+= 1
            }
            return written
        }
    }

    /// Appends the escaped content of a Swift string (always valid UTF-8), without quotes.
    public mutating func appendEscaped(_ string: String) {
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { appendEscaped($0) }
        if done == nil {
            let copy = Array(string.utf8)
            copy.withUnsafeBufferPointer { appendEscaped($0) }
        }
    }

    /// The high bit of each byte of `word` that is below 0x20, a quotation mark or a backslash (the
    /// "has zero byte" and "has byte less than" bit tricks): zero exactly when none is, and the lowest
    /// set bit always marks a byte that is one; bits above it may be false positives.
    @inline(__always)
    private static func escapeMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below20 = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote & highs
        let hasBackslash = (backslash &- ones) & ~backslash & highs
        return below20 | hasQuote | hasBackslash
    }

    /// Writes `byte`, or its escape sequence when it needs one, at `target`; returns the length.
    @inline(__always)
    private static func writeEscaped(_ byte: UInt8, to target: UnsafeMutableRawPointer) -> Int {
        if byte >= 0x20, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            target.storeBytes(of: byte, as: UInt8.self)
            return 1
        }
        target.storeBytes(of: UInt8(ascii: "\\"), as: UInt8.self)
        let short: UInt8
        switch byte {
        case UInt8(ascii: "\""): short = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): short = UInt8(ascii: "\\")
        case 0x08: short = UInt8(ascii: "b")
        case 0x0C: short = UInt8(ascii: "f")
        case 0x0A: short = UInt8(ascii: "n")
        case 0x0D: short = UInt8(ascii: "r")
        case 0x09: short = UInt8(ascii: "t")
        default:
            target.storeBytes(of: UInt8(ascii: "u"), toByteOffset: 1, as: UInt8.self)
            target.storeBytes(of: UInt8(ascii: "0"), toByteOffset: 2, as: UInt8.self)
            target.storeBytes(of: UInt8(ascii: "0"), toByteOffset: 3, as: UInt8.self)
            target.storeBytes(of: hexDigit(byte >> 4), toByteOffset: 4, as: UInt8.self)
            target.storeBytes(of: hexDigit(byte & 0x0F), toByteOffset: 5, as: UInt8.self)
            return 6
        }
        target.storeBytes(of: short, toByteOffset: 1, as: UInt8.self)
        return 2
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ (nibble &- 10)
    }
}
