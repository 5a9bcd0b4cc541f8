/// Base64 encoding (RFC 4648 §4: standard alphabet, `=` padding), for binary bytes that must travel in
/// text (HAR 1.2 `content.text` with `"encoding": "base64"`, JSON output of raw payloads).
public enum Base64 {
    /// The RFC 4648 Table 1 alphabet.
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The encoded length of `count` input bytes: four characters per started group of three.
    public static func encodedCount(_ count: Int) -> Int {
        (count / 3 + (count % 3 == 0 ? 0 : 1)) * 4
    }

    /// Encodes `bytes` as a base64 string.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var output = OutputBuffer(capacity: 64)
        let contiguous: Void? = bytes.withContiguousStorageIfAvailable { write($0, to: &output) }
        if contiguous == nil {
            Array(bytes).withUnsafeBufferPointer { write($0, to: &output) }
        }
        return output.text
    }

    /// Appends the base64 encoding of `input` to `output`.
    ///
    /// Inputs whose length is a multiple of three encode without padding, so a long input can be
    /// encoded in such chunks and the pieces concatenated. Six input bytes at a time become eight
    /// characters through four lookups of twelve bits each in ``pairs``.
    public static func write(_ input: UnsafeBufferPointer<UInt8>, to output: inout OutputBuffer) {
        let encodedCount = encodedCount(input.count)
        guard encodedCount > 0, let source = input.baseAddress else { return }
        alphabet.withUnsafeBufferPointer { table in
            pairs.withUnsafeBufferPointer { pairs in
                output.write(maximum: encodedCount) { out in
                    let whole = input.count / 3 * 3
                    var read = 0
                    var write = 0
                    // An eight-byte load of which six are used, so two bytes of slack must follow.
                    while read &+ 8 <= whole {
                        let word = UInt64(bigEndian: UnsafeRawPointer(source + read).loadUnaligned(as: UInt64.self))
                        let characters = UInt64(pairs[Int(truncatingIfNeeded: word >> 52 & 0xFFF)])
                            | UInt64(pairs[Int(truncatingIfNeeded: word >> 40 & 0xFFF)]) << 16
                            | UInt64(pairs[Int(truncatingIfNeeded: word >> 28 & 0xFFF)]) << 32
                            | UInt64(pairs[Int(truncatingIfNeeded: word >> 16 & 0xFFF)]) << 48
                        UnsafeMutableRawPointer(out + write).storeBytes(of: characters.littleEndian, as: UInt64.self)
                        read &+= 6
                        write &+= 8
                    }
                    while read < whole {
                        let value = UInt32(input[read]) << 16 | UInt32(input[read &+ 1]) << 8 | UInt32(input[read &+ 2])
                        out[write] = table[Int(value >> 18 & 0x3F)]
                        out[write &+ 1] = table[Int(value >> 12 & 0x3F)]
                        out[write &+ 2] = table[Int(value >> 6 & 0x3F)]
                        out[write &+ 3] = table[Int(value & 0x3F)]
                        read &+= 3
                        write &+= 4
                    }
                    let remaining = input.count &- whole
                    guard remaining > 0 else { return write }
                    let first = UInt32(input[read]) << 16
                    let value = remaining == 2 ? first | UInt32(input[read &+ 1]) << 8 : first
                    out[write] = table[Int(value >> 18 & 0x3F)]
                    out[write &+ 1] = table[Int(value >> 12 & 0x3F)]
                    out[write &+ 2] = remaining == 2 ? table[Int(value >> 6 & 0x3F)] : UInt8(ascii: "=")
                    out[write &+ 3] = UInt8(ascii: "=")
                    return write &+ 4
                }
            }
        }
    }

    /// The two characters of every twelve-bit value, the first in the low byte (8 KiB).
    private static let pairs: [UInt16] = (0..<4096).map { value in
        UInt16(alphabet[value >> 6]) | UInt16(alphabet[value & 0x3F]) << 8
    }
}
