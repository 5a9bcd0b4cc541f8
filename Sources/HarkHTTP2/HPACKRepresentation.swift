import NIOCore

/// The boundaries of one HPACK field representation (RFC 7541 §6), found without decoding strings, so
/// that a block can be decoded field by field when whole-block decoding fails.
struct HPACKRepresentation {
    /// What the representation is.
    enum Kind {
        /// §6.1: an indexed field.
        case indexed
        /// §6.2.1: a literal added to the dynamic table.
        case literalIncremental
        /// §6.2.2 and §6.2.3: a literal not added to the table.
        case literalNotIndexed
        /// §6.3: a dynamic table size update.
        case sizeUpdate
    }

    var kind: Kind
    /// The index (name index for literals, 0 for a literal name), or the new size for an update.
    var index: Int
    /// Reader index of the first octet.
    var start: Int
    /// Reader index of the value string (literals only).
    var valueStart: Int
    /// Reader index just past the representation.
    var end: Int

    /// Reads the representation at the front of `block`, advancing past it; nil when malformed or cut.
    static func read(from block: inout ByteBuffer) -> HPACKRepresentation? {
        let start = block.readerIndex
        guard let first = block.getInteger(at: start, as: UInt8.self) else { return nil }
        let kind: Kind
        let prefix: Int
        if first & 0x80 != 0 {
            (kind, prefix) = (.indexed, 7)
        } else if first & 0xc0 == 0x40 {
            (kind, prefix) = (.literalIncremental, 6)
        } else if first & 0xe0 == 0x20 {
            (kind, prefix) = (.sizeUpdate, 5)
        } else {
            (kind, prefix) = (.literalNotIndexed, 4)
        }
        guard let index = readInteger(from: &block, prefix: prefix) else { return nil }
        var valueStart = block.readerIndex
        if kind == .literalIncremental || kind == .literalNotIndexed {
            if index == 0 {
                guard skipString(in: &block) else { return nil }
                valueStart = block.readerIndex
            }
            guard skipString(in: &block) else { return nil }
        }
        return HPACKRepresentation(kind: kind, index: index, start: start, valueStart: valueStart, end: block.readerIndex)
    }

    /// RFC 7541 §5.1 integer with an N-bit prefix; nil when cut or beyond 2^28.
    static func readInteger(from buffer: inout ByteBuffer, prefix: Int) -> Int? {
        guard let first = buffer.readInteger(as: UInt8.self) else { return nil }
        let mask = (1 << prefix) - 1
        var value = Int(first) & mask
        guard value == mask else { return value }
        var shift = 0
        while let byte = buffer.readInteger(as: UInt8.self) {
            value += Int(byte & 0x7f) << shift
            shift += 7
            if byte & 0x80 == 0 { return value }
            if shift > 28 { return nil }
        }
        return nil
    }

    /// Skips a §5.2 string literal; false when cut.
    private static func skipString(in buffer: inout ByteBuffer) -> Bool {
        guard let length = readInteger(from: &buffer, prefix: 7), length <= buffer.readableBytes else { return false }
        buffer.moveReaderIndex(forwardBy: length)
        return true
    }
}
