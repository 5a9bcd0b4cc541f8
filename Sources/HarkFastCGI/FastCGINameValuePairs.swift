public import NIOCore

/// Name-value pairs as `PARAMS` (and `GET_VALUES`) carry them (FastCGI specification §3.4): each
/// length in 1 byte, or in 4 bytes with the top bit set, then the name and the value bytes.
public enum FastCGINameValuePairs {
    /// A length that does not fit: where, and what it claimed.
    public struct Error: Swift.Error, Hashable, Sendable, CustomStringConvertible {
        /// Offset of the pair in the concatenated stream.
        public var offset: Int
        /// The pair's claimed name and value lengths (nil when the length bytes themselves are cut).
        public var nameLength: Int?
        public var valueLength: Int?
        /// Bytes the stream holds.
        public var available: Int

        public var description: String {
            guard let nameLength, let valueLength else {
                return "PARAMS pair at offset \(offset): its length bytes are cut off by the end of the parameters (\(available) bytes)"
            }
            return "PARAMS pair at offset \(offset) declares a \(nameLength)-byte name and a \(valueLength)-byte value, past the end of the parameters (\(available) bytes)"
        }
    }

    /// Parses the whole concatenated `PARAMS` stream. Pairs before a bad length are returned with the
    /// error; names and values are decoded as UTF-8 with invalid bytes replaced.
    public static func parse(_ bytes: ByteBuffer) -> (pairs: [(name: String, value: String)], error: Error?) {
        var buffer = bytes
        var pairs: [(name: String, value: String)] = []
        while buffer.readableBytes > 0 {
            let offset = buffer.readerIndex - bytes.readerIndex
            guard let nameLength = readLength(&buffer), let valueLength = readLength(&buffer) else {
                return (pairs, Error(offset: offset, available: bytes.readableBytes))
            }
            guard nameLength <= buffer.readableBytes, valueLength <= buffer.readableBytes - nameLength,
                let name = buffer.readString(length: nameLength),
                let valueBytes = buffer.readSlice(length: valueLength)
            else {
                return (pairs, Error(offset: offset, nameLength: nameLength, valueLength: valueLength, available: bytes.readableBytes))
            }
            pairs.append((name, String(decoding: valueBytes.readableBytesView, as: UTF8.self)))
        }
        return (pairs, nil)
    }

    private static func readLength(_ buffer: inout ByteBuffer) -> Int? {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        if first & 0x80 == 0 {
            buffer.moveReaderIndex(forwardBy: 1)
            return Int(first)
        }
        guard let long = buffer.readInteger(as: UInt32.self) else { return nil }
        return Int(long & 0x7fff_ffff)
    }
}
