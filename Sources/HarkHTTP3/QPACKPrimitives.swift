import NIOCore
import NIOHPACK

/// A bounds-checked reader of QPACK's prefixed integers and string literals (RFC 9204 §4.1, which
/// takes them from HPACK, RFC 7541 §5).
struct QPACKReader {
    let bytes: [UInt8]
    private(set) var index: Int
    /// Set when a read failed because the bytes ran out (rather than being wrong).
    private(set) var ranOut = false

    init(_ bytes: [UInt8], from start: Int = 0) {
        self.bytes = bytes
        self.index = max(0, min(start, bytes.count))
    }

    var isAtEnd: Bool { index >= bytes.count }

    /// The current byte, not consumed.
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// An integer in the low `prefix` bits of the current byte and the bytes after it; nil when cut
    /// short or beyond 2^62.
    mutating func readInteger(prefix: Int) -> UInt64? {
        guard (1...8).contains(prefix) else { return nil }
        guard index < bytes.count else {
            ranOut = true
            return nil
        }
        let mask = UInt8(truncatingIfNeeded: (1 << prefix) &- 1)
        var value = UInt64(bytes[index] & mask)
        index &+= 1
        guard value == UInt64(mask) else { return value }
        var shift: UInt64 = 0
        while index < bytes.count {
            let byte = bytes[index]
            index &+= 1
            guard shift <= 56 else { return nil }
            value &+= UInt64(byte & 0x7F) << shift
            guard value < 1 << 62 else { return nil }
            if byte & 0x80 == 0 { return value }
            shift &+= 7
        }
        ranOut = true
        return nil
    }

    /// A string literal whose Huffman flag is bit `prefix` of the current byte and whose length is in
    /// the bits below it; nil when cut short, too long (`maxLength`) or badly Huffman-coded.
    mutating func readString(prefix: Int, maxLength: Int, huffman decoder: inout QPACKHuffman) -> String? {
        guard (1...7).contains(prefix) else { return nil }
        guard let first = peek else {
            ranOut = true
            return nil
        }
        let huffman = first & UInt8(truncatingIfNeeded: 1 << prefix) != 0
        guard let length = readInteger(prefix: prefix), length <= UInt64(maxLength) else { return nil }
        guard Int(length) <= bytes.count &- index else {
            ranOut = true
            return nil
        }
        let raw = bytes[index..<(index &+ Int(length))]
        index &+= Int(length)
        return huffman ? decoder.decode(raw) : String(decoding: raw, as: UTF8.self)
    }
}

/// HPACK's Huffman code (RFC 7541 Appendix B), which QPACK shares, decoded by NIOHPACK: the string is
/// wrapped as the value of a one-field HPACK block (a literal without indexing), which NIOHPACK's decoder
/// reads, rejecting bad codes and padding. One decoder serves every string (a literal without indexing
/// leaves its dynamic table alone).
struct QPACKHuffman {
    private var decoder = HPACKDecoder(allocator: ByteBufferAllocator(), maxDynamicTableSize: 0, maxHeaderListSize: Int.max)

    mutating func decode(_ encoded: ArraySlice<UInt8>) -> String? {
        var block = ByteBuffer()
        // 0x00: literal field without indexing, new name; the name "x" as a plain one-byte string.
        block.writeBytes([0x00, 0x01, UInt8(ascii: "x")])
        // The value: Huffman flag and the length as a 7-bit prefix integer.
        var length = encoded.count
        if length < 127 {
            block.writeInteger(UInt8(0x80 | length))
        } else {
            block.writeInteger(UInt8(0xFF))
            length &-= 127
            while length >= 128 {
                block.writeInteger(UInt8(truncatingIfNeeded: length & 0x7F | 0x80))
                length >>= 7
            }
            block.writeInteger(UInt8(length))
        }
        block.writeBytes(encoded)
        guard let headers = try? decoder.decodeHeaders(from: &block), let field = headers.first else { return nil }
        return field.value
    }
}
