import NIOCore

/// Splits a gRPC body into its length-prefixed messages (gRPC over HTTP/2, "Length-Prefixed-Message":
/// a compressed flag, a 4-byte big-endian length, the message) as the body's chunks are fed, so that a
/// body on disk is never read into memory whole.
///
/// A message's bytes are gathered only when `keep` accepts its length when its prefix is read; others
/// are skipped and reported without payload.
struct GRPCMessageSplitter {
    /// One whole message.
    struct Frame {
        /// The flags byte (bit 0: compressed).
        var flags: UInt8
        /// The declared length.
        var length: Int
        /// The message bytes, when kept.
        var payload: ByteBuffer?
    }

    /// The bytes of a prefix split across chunks.
    private var prefix = ByteBuffer()
    /// The message being read: its flags, its length, and its bytes still to come.
    private var current: (flags: UInt8, length: Int, remaining: Int)?
    private var payload: ByteBuffer?

    /// Whether the bytes fed so far end inside a message.
    var isMidMessage: Bool { prefix.readableBytes > 0 || current != nil }

    /// Reads the next body bytes, calling `keep` with each message's length as its prefix is read and
    /// `emit` with each message completed.
    mutating func feed(_ chunk: ByteBuffer, keep: (Int) -> Bool, emit: (Frame) -> Void) {
        var chunk = chunk
        while chunk.readableBytes > 0 {
            guard let message = current else {
                readPrefix(&chunk, keep: keep, emit: emit)
                continue
            }
            let count = min(message.remaining, chunk.readableBytes)
            guard let slice = chunk.readSlice(length: count) else { return }
            if payload != nil, count == message.length {
                payload = slice  // the whole message in this chunk: no copy
            } else {
                payload?.writeImmutableBuffer(slice)
            }
            current?.remaining = message.remaining &- count
            if message.remaining == count { complete(emit) }
        }
    }

    private mutating func readPrefix(_ chunk: inout ByteBuffer, keep: (Int) -> Bool, emit: (Frame) -> Void) {
        let wanted = 5 &- prefix.readableBytes
        if let piece = chunk.readSlice(length: min(wanted, chunk.readableBytes)) {
            prefix.writeImmutableBuffer(piece)
        }
        guard prefix.readableBytes == 5,
            let flags = prefix.readInteger(as: UInt8.self),
            let length = prefix.readInteger(as: UInt32.self).map(Int.init)
        else { return }
        prefix.clear()
        current = (flags, length, length)
        if keep(length) {
            payload = ByteBuffer()
            // Reserve only when the message will be gathered from several chunks.
            if length > chunk.readableBytes { payload?.reserveCapacity(length) }
        }
        if length == 0 { complete(emit) }
    }

    private mutating func complete(_ emit: (Frame) -> Void) {
        guard let message = current else { return }
        emit(Frame(flags: message.flags, length: message.length, payload: payload))
        current = nil
        payload = nil
    }
}
