/// Byte-level text comparison for matching: ASCII case folding over UTF-8 buffers, written out here
/// (not generic, not across a module boundary) so that it is inlined into the matching loops.
enum ASCIICase {
    /// The byte lower-cased if it is an ASCII capital letter.
    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// Calls `body` with the UTF-8 bytes of `text`: in place for native strings, copied for others.
    @inline(__always)
    static func withBytes(of text: Substring, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// Whether `bytes` equal `lowercased` (already lower-case) once `bytes` are lower-cased.
    @inline(__always)
    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, lowercased: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == lowercased.count else { return false }
        for index in 0..<bytes.count where lower(bytes[index]) != lowercased[index] { return false }
        return true
    }

    /// Whether `text` equals `lowercased` (already lower-case) once `text` is lower-cased.
    static func equal(_ text: String, lowercased: String) -> Bool {
        withBytes(of: text[...]) { bytes in withBytes(of: lowercased[...]) { equal(bytes, lowercased: $0) } }
    }

    /// Whether `text` starts with `lowercased` (already lower-case) once `text` is lower-cased.
    static func hasPrefix(_ text: String, lowercased: String) -> Bool {
        withBytes(of: text[...]) { bytes in
            withBytes(of: lowercased[...]) { prefix in
                prefix.count <= bytes.count && equal(UnsafeBufferPointer(rebasing: bytes[..<prefix.count]), lowercased: prefix)
            }
        }
    }
}
