/// Damaged copies of a capture, for tests that compare two ways of reading one: random bits flipped,
/// and every other variant cut short.
public enum DamagedCapture {
    /// Variant `variant` of `bytes`: `1 + variant * flipsPerVariant` bits flipped past the first 32
    /// bytes (the file header stays readable), and for odd variants a random part of the end cut off.
    public static func variant(
        _ variant: Int, of bytes: [UInt8], flipsPerVariant: Int = 4, using generator: inout SplitMix64
    ) -> [UInt8] {
        var bytes = bytes
        guard bytes.count > 64 else { return bytes }
        for _ in 0..<(1 + variant * flipsPerVariant) {
            let index = Int.random(in: 32..<bytes.count, using: &generator)
            bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &generator)
        }
        if variant % 2 == 1 { bytes.removeLast(Int.random(in: 1..<(bytes.count / 2), using: &generator)) }
        return bytes
    }
}
