/// Byte-level ASCII helpers shared by the parser.
package enum ASCII {
    package static let cr: UInt8 = 0x0d
    package static let lf: UInt8 = 0x0a
    package static let space: UInt8 = 0x20
    package static let tab: UInt8 = 0x09
    package static let colon: UInt8 = 0x3a

    /// The byte lower-cased if it is an ASCII capital letter.
    @inline(__always)
    package static func lower(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// Whether two byte sequences are equal ignoring ASCII case.
    package static func equalIgnoringCase(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).allSatisfy { lower($0) == lower($1) }
    }

    /// Whether two byte buffers are equal ignoring ASCII case; a tight loop for the hot path.
    @inline(__always)
    package static func equalIgnoringCase(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for index in 0..<lhs.count where lower(lhs[index]) != lower(rhs[index]) { return false }
        return true
    }

    /// Whether raw bytes equal a lower-case ASCII literal, ignoring the bytes' case; a tight loop for
    /// matching field names on the hot path.
    @inline(__always)
    package static func equalIgnoringCase(_ bytes: UnsafeRawBufferPointer, lowercased literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        let expected = literal.utf8Start
        for index in 0..<bytes.count where lower(bytes[index]) != expected[index] { return false }
        return true
    }

    /// Whether the byte is whitespace within a line (SP or HTAB).
    @inline(__always)
    package static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// Whether the byte is a decimal digit.
    @inline(__always)
    package static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// RFC 9110 §5.6.2 tchar: the characters of a token such as a method or header name.
    @inline(__always)
    package static func isTokenChar(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5a, 0x61...0x7a: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
