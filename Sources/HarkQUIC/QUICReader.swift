/// A bounds-checked reader over wire bytes: every read returns nil instead of running past the end, and
/// variable-length integers (RFC 9000 §16) are decoded without overflow.
///
/// Indices are those of the bytes given: a reader over a slice starts at the slice's start index.
package struct QUICReader {
    package let bytes: ArraySlice<UInt8>
    package private(set) var index: Int
    package let end: Int

    /// Reads `bytes[start..<end]` (clamped to the array).
    package init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        let end = max(0, min(end ?? bytes.count, bytes.count))
        self.init(bytes[min(max(0, start), end)..<end])
    }

    /// Reads a slice, without copying it.
    package init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
        end = bytes.endIndex
    }

    /// Bytes left to read.
    package var remaining: Int { end &- index }

    /// Whether everything was read.
    package var isAtEnd: Bool { index >= end }

    package mutating func readByte() -> UInt8? {
        guard index < end else { return nil }
        defer { index &+= 1 }
        return bytes[index]
    }

    /// A big-endian integer of `count` bytes (at most 8).
    package mutating func readInteger(bytes count: Int) -> UInt64? {
        guard count >= 0, count <= 8, remaining >= count else { return nil }
        var value: UInt64 = 0
        for offset in 0..<count {
            value = value << 8 | UInt64(bytes[index &+ offset])
        }
        index &+= count
        return value
    }

    /// A variable-length integer: the first byte's two high bits give its length, 1, 2, 4 or 8 bytes.
    package mutating func readVarint() -> UInt64? {
        guard index < end else { return nil }
        let first = bytes[index]
        let length = 1 << Int(first >> 6)
        guard remaining >= length else { return nil }
        // The first byte without its two length bits, then the others (several per frame: read here
        // rather than through `readInteger`).
        var value = UInt64(first & 0x3F)
        var next = index &+ 1
        let stop = index &+ length
        while next < stop {
            value = value << 8 | UInt64(bytes[next])
            next &+= 1
        }
        index = stop
        return value
    }

    /// A varint that must fit in `Int` (lengths); nil when it does not.
    package mutating func readLength() -> Int? {
        guard let value = readVarint(), value <= UInt64(Int.max) else { return nil }
        return Int(value)
    }

    /// The next `count` bytes.
    package mutating func readBytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, remaining >= count else { return nil }
        defer { index &+= count }
        return bytes[index..<(index &+ count)]
    }

    /// Skips `count` bytes; false when fewer remain.
    package mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, remaining >= count else { return false }
        index &+= count
        return true
    }
}
