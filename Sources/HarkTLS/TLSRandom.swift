public import NIOCore

/// The 32-byte `random` of a ClientHello or ServerHello (RFC 8446 §4.1.2). A key log names sessions by
/// their client random, so this is the key of `TLSKeyLog`. Stored inline: hashing and comparing it
/// allocate nothing.
public struct TLSRandom: Hashable, Sendable, CustomStringConvertible {
    private var word0: UInt64
    private var word1: UInt64
    private var word2: UInt64
    private var word3: UInt64

    /// The random from exactly 32 bytes; nil for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in bytes.enumerated() {
            words[index / 8] = words[index / 8] << 8 | UInt64(byte)
        }
        (word0, word1, word2, word3) = (words[0], words[1], words[2], words[3])
    }

    /// Reads 32 bytes from `buffer`; nil, leaving it unchanged, when fewer are readable.
    public init?(reading buffer: inout ByteBuffer) {
        guard buffer.readableBytes >= 32,
            let word0 = buffer.readInteger(as: UInt64.self),
            let word1 = buffer.readInteger(as: UInt64.self),
            let word2 = buffer.readInteger(as: UInt64.self),
            let word3 = buffer.readInteger(as: UInt64.self)
        else { return nil }
        (self.word0, self.word1, self.word2, self.word3) = (word0, word1, word2, word3)
    }

    /// The client random of the ClientHello a client's byte stream starts with: the first record is a
    /// handshake record (type 22) whose first message is a ClientHello (type 1), and the random follows
    /// the record header (5 bytes), the message header (4) and `legacy_version` (2) (RFC 8446 §4.1.2).
    /// Nil when the bytes start otherwise or hold fewer than 43 bytes.
    public init?(clientHelloStreamStart bytes: ByteBuffer) {
        guard bytes.readableBytes >= 43, bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) == 22,
            bytes.getInteger(at: bytes.readerIndex + 5, as: UInt8.self) == 1,
            var random = bytes.getSlice(at: bytes.readerIndex + 11, length: 32)
        else { return nil }
        self.init(reading: &random)
    }

    /// The 32 bytes in wire order.
    public var bytes: [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(32)
        for word in [word0, word1, word2, word3] {
            for shift in stride(from: 56, through: 0, by: -8) {
                result.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return result
    }

    /// 64 lower-case hex digits, as key log files write it.
    public var description: String { hexString(bytes) }

    /// The ServerHello random that marks a HelloRetryRequest: SHA-256 of "HelloRetryRequest"
    /// (RFC 8446 §4.1.3).
    static let helloRetryRequest = TLSRandom(
        word0: 0xCF21_AD74_E59A_6111, word1: 0xBE1D_8C02_1E65_B891, word2: 0xC2A2_1116_7ABB_8C5E,
        word3: 0x079E_09E2_C8A8_339C)

    private init(word0: UInt64, word1: UInt64, word2: UInt64, word3: UInt64) {
        (self.word0, self.word1, self.word2, self.word3) = (word0, word1, word2, word3)
    }
}
