import CZlib
import NIOCore

/// Inflates one direction's permessage-deflate messages (RFC 7692 §7.2.2): raw DEFLATE, each message
/// completed with the `00 00 ff ff` its sender removed, one sliding window across messages unless the
/// sender resets it (`*_no_context_takeover`).
///
/// Decoding always uses a 32 KiB window, which reads any stream compressed with a smaller
/// `*_max_window_bits`.
///
/// A capture that starts after the upgrade misses the window's history. Then, as Wireshark would fail
/// to and a plain zero dictionary would hide, the inflater runs twice in step: once with a window of
/// 0x00 bytes and once with 0x01 bytes. DEFLATE only copies bytes, so an output byte that differs
/// between the two came from history the capture never saw. Such bytes are never shown as if known:
/// each run of them becomes U+FFFD and is counted. Once 32 KiB of known output have passed, history is
/// fully known and the second run stops.
///
/// Hand-written on zlib (the `CZlib` module map) because `HarkContentCoding` decodes whole bodies,
/// while a WebSocket direction is one deflate stream cut into messages.
final class MessageInflater {
    /// What one `inflate` call achieved.
    struct Step {
        /// Decoded bytes, unknown runs replaced by U+FFFD.
        var output: ByteBuffer
        /// Bytes decoded, unknown ones included.
        var decodedCount: Int
        /// Decoded bytes that came from history before the capture (0 when the history is known).
        var unknownBytes: Int
        /// zlib's message when the input is not valid DEFLATE.
        var failure: String?
    }

    private let primary: UnsafeMutablePointer<z_stream>
    /// The second run while history is unknown; nil once it is known (or when it always was).
    private var shadow: UnsafeMutablePointer<z_stream>?
    /// Output bytes produced since the last byte of unknown origin.
    private var knownRun = 0
    private static let windowSize = 32 << 10

    /// - Parameter historyUnknown: whether the stream may refer to bytes sent before the capture began.
    init(historyUnknown: Bool) {
        primary = Self.makeStream(dictionaryByte: historyUnknown ? 0x00 : nil)
        if historyUnknown { shadow = Self.makeStream(dictionaryByte: 0x01) }
    }

    deinit {
        Self.release(primary)
        if let shadow { Self.release(shadow) }
    }

    /// Starts a fresh window (the sender does not take context over between messages).
    func reset() {
        inflateReset(primary)
        if let shadow {
            // Without takeover nothing refers to earlier messages: the history is known from here on.
            Self.release(shadow)
            self.shadow = nil
        }
    }

    /// Inflates `input`, producing at most `limit` bytes; stops early at the limit.
    func inflate(_ input: ByteBuffer, limit: Int) -> Step {
        var step = Step(output: ByteBuffer(), decodedCount: 0, unknownBytes: 0)
        var input = input
        input.withUnsafeMutableReadableBytes { bytes in
            run(bytes, limit: limit, into: &step)
        }
        return step
    }

    /// Inflates the `00 00 ff ff` that ends every message (RFC 7692 §7.2.2).
    func finishMessage(limit: Int) -> Step {
        inflate(ByteBuffer(bytes: [0x00, 0x00, 0xff, 0xff]), limit: limit)
    }

    private func run(_ input: UnsafeMutableRawBufferPointer, limit: Int, into step: inout Step) {
        let chunk = 16 << 10
        var first = [UInt8](repeating: 0, count: chunk)
        var second = [UInt8](repeating: 0, count: shadow == nil ? 0 : chunk)
        var consumed = 0
        while step.decodedCount < limit {
            let room = min(chunk, limit - step.decodedCount)
            let result = Self.inflate(primary, input, from: consumed, into: &first, room: room)
            if let shadow {
                _ = Self.inflate(shadow, input, from: consumed, into: &second, room: room)
            }
            consumed += result.consumed
            step.decodedCount += result.produced
            append(first[..<result.produced], comparedWith: shadow == nil ? nil : second[..<result.produced], to: &step)
            if let failure = result.failure {
                step.failure = failure
                return
            }
            // Done when the input is used up and the output buffer was not filled.
            if consumed >= input.count, result.produced < room { return }
            if result.produced == 0, result.consumed == 0 { return }
        }
    }

    private func append(_ bytes: ArraySlice<UInt8>, comparedWith other: ArraySlice<UInt8>?, to step: inout Step) {
        guard let other else {
            step.output.writeBytes(bytes)
            return
        }
        var inUnknownRun = false
        for (byte, twin) in zip(bytes, other) {
            if byte == twin {
                step.output.writeInteger(byte)
                inUnknownRun = false
                knownRun += 1
            } else {
                if !inUnknownRun { step.output.writeBytes([0xEF, 0xBF, 0xBD]) }
                inUnknownRun = true
                step.unknownBytes += 1
                knownRun = 0
            }
        }
        if knownRun >= Self.windowSize, let shadow {
            Self.release(shadow)
            self.shadow = nil
        }
    }

    private static func inflate(
        _ stream: UnsafeMutablePointer<z_stream>,
        _ input: UnsafeMutableRawBufferPointer,
        from offset: Int,
        into output: inout [UInt8],
        room: Int
    ) -> (consumed: Int, produced: Int, failure: String?) {
        let available = input.count - offset
        stream.pointee.next_in = input.baseAddress.map { $0.advanced(by: offset).assumingMemoryBound(to: Bytef.self) }
        stream.pointee.avail_in = UInt32(clamping: available)
        let status = output.withUnsafeMutableBytes { out -> Int32 in
            stream.pointee.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(clamping: room)
            return CZlib.inflate(stream, Z_SYNC_FLUSH)
        }
        let consumed = available - Int(stream.pointee.avail_in)
        let produced = room - Int(stream.pointee.avail_out)
        switch status {
        case Z_OK, Z_BUF_ERROR, Z_STREAM_END:
            return (consumed, produced, nil)
        default:
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            return (consumed, produced, message)
        }
    }

    /// A raw-DEFLATE inflate stream with a 32 KiB window, optionally preset to a window of one byte value.
    private static func makeStream(dictionaryByte: UInt8?) -> UnsafeMutablePointer<z_stream> {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        _ = inflateInit2_(stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        if let dictionaryByte {
            let dictionary = [UInt8](repeating: dictionaryByte, count: windowSize)
            _ = dictionary.withUnsafeBufferPointer { inflateSetDictionary(stream, $0.baseAddress, UInt32($0.count)) }
        }
        return stream
    }

    private static func release(_ stream: UnsafeMutablePointer<z_stream>) {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }
}
