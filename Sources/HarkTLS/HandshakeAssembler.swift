package import NIOCore

/// Reassembles one direction's handshake messages (RFC 8446 §4, RFC 5246 §7.4) from the plaintext of its
/// handshake records: a message may span records and a record may hold several.
///
/// Only the messages the analyzer reads (`HandshakeType.isParsed`) are held, up to a limit; the others are
/// skipped as their bytes pass, whatever their size. Pull-driven like `RecordFramer`: `begin(_:)` a
/// fragment, then `next()` until `.needMore`. A message never spans a key change, so `reset()` drops any
/// partial one when keys change or a record is lost.
package struct HandshakeAssembler {
    /// What `next()` found.
    package enum Step {
        /// A complete message; `body` is nil for types that are skipped rather than read.
        case message(HandshakeType, body: ByteBuffer?)
        /// A message of a type that is read is larger than the limit; it will be skipped.
        case tooLarge(HandshakeType, length: Int)
        /// The fragment is used up.
        case needMore
    }

    private let maxLength: Int
    /// The first bytes of a header split across fragments.
    private var header = ByteBuffer()
    /// The body so far of a read message split across fragments.
    private var body = ByteBuffer()
    /// The message in progress: its type, whether its body is kept, and how much of it is still to come.
    private var current: (type: HandshakeType, keep: Bool, remaining: Int)?
    private var input = ByteBuffer()

    package init(maxLength: Int) {
        self.maxLength = maxLength
    }

    /// Starts on the plaintext of one handshake record.
    package mutating func begin(_ fragment: ByteBuffer) {
        input = fragment
    }

    /// Drops any partial message.
    package mutating func reset() {
        header.clear()
        body.clear()
        current = nil
        input = ByteBuffer()
    }

    /// The next complete message, or why there is none.
    package mutating func next() -> Step {
        if current == nil {
            guard let (type, length) = readHeader() else { return .needMore }
            let keep = type.isParsed
            body.clear()
            current = (type, keep && length <= maxLength, length)
            if keep, length > maxLength {
                return .tooLarge(type, length: length)
            }
        }
        guard let (type, keep, remaining) = current else { return .needMore }
        if keep {
            if body.readableBytes == 0, let whole = input.readSlice(length: remaining) {
                current = nil
                return .message(type, body: whole)
            }
            let count = min(remaining, input.readableBytes)
            if var part = input.readSlice(length: count) {
                body.writeBuffer(&part)
            }
            guard count == remaining else {
                current = (type, keep, remaining - count)
                return .needMore
            }
            current = nil
            return .message(type, body: body)
        }
        let count = min(remaining, input.readableBytes)
        input.moveReaderIndex(forwardBy: count)
        guard count == remaining else {
            current = (type, keep, remaining - count)
            return .needMore
        }
        current = nil
        return .message(type, body: nil)
    }

    /// Reads a 4-byte message header (type, 24-bit length), keeping a partial one for the next fragment.
    private mutating func readHeader() -> (HandshakeType, Int)? {
        if header.readableBytes == 0, input.readableBytes >= 4, let word = input.readInteger(as: UInt32.self) {
            return (HandshakeType(rawValue: UInt8(truncatingIfNeeded: word >> 24)), Int(word & 0xFF_FFFF))
        }
        if var part = input.readSlice(length: min(4 - header.readableBytes, input.readableBytes)) {
            header.writeBuffer(&part)
        }
        guard header.readableBytes == 4, let word = header.readInteger(as: UInt32.self) else { return nil }
        header.clear()
        return (HandshakeType(rawValue: UInt8(truncatingIfNeeded: word >> 24)), Int(word & 0xFF_FFFF))
    }
}
