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
    /// encoded in such chunks and the pieces concatenated.
    public static func write(_ input: UnsafeBufferPointer<UInt8>, to output: inout OutputBuffer) {
        let encodedCount = encodedCount(input.count)
        guard encodedCount > 0 else { return }
        alphabet.withUnsafeBufferPointer { table in
            output.write(maximum: encodedCount) { out in
                let whole = input.count / 3 * 3
                var read = 0
                var write = 0
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
