public import NIOCore
import NIOWebSocket

/// Splits one direction's bytes into WebSocket frames: a header, then the frame's payload unmasked in
/// the pieces the bytes arrived in, then the end of the frame.
///
/// A value type in the shape of NIOWebSocket's internal `WSParser` (STYLE.md rule 1 and 2): partial
/// progress lives in `state`, a short read consumes nothing, and payloads are never buffered whole, so a
/// frame declaring gigabytes costs no memory here. Hand-written because NIOWebSocket's decoder is a
/// channel handler that buffers each frame in full up to a fixed maximum; the unmasking is NIO's
/// (`ByteBuffer.webSocketUnmask`).
///
/// ### Example
/// ```swift
/// var parser = WebSocketFrameParser()
/// var bytes = ByteBuffer(bytes: [0x81, 0x02, 0x68, 0x69])  // FIN, text, "hi"
/// while let piece = try parser.next(from: &bytes) { print(piece) }
/// // header(fin: true, opcode: text, payloadLength: 2), payload("hi"), end
/// ```
public struct WebSocketFrameParser: Sendable {
    /// One piece of a frame.
    public enum Piece: Hashable, Sendable {
        /// A frame starts.
        case header(WebSocketFrameHeader)
        /// Payload bytes of the current frame, unmasked, in order.
        case payload(ByteBuffer)
        /// The current frame's payload is complete.
        case end
    }

    private enum State: Sendable {
        /// Expecting a frame header.
        case header
        /// Inside a payload: bytes still to come, the masking key and how many were unmasked so far.
        case payload(remaining: UInt64, maskingKey: WebSocketMaskingKey?, offset: UInt64)
    }

    private var state = State.header
    /// The largest payload length accepted; a longer declared length throws.
    public let maxFrameLength: Int

    /// - Parameter maxFrameLength: the largest payload length accepted (default 1 GiB).
    public init(maxFrameLength: Int = 1 << 30) {
        self.maxFrameLength = maxFrameLength
    }

    /// Whether the parser is between frames.
    public var isAtFrameBoundary: Bool {
        if case .header = state { return true }
        return false
    }

    /// The next piece from `buffer`, or nil when more bytes are needed (nothing is consumed then).
    ///
    /// - Throws: `WebSocketFrameError` for a header that cannot be a frame boundary's; the direction's
    ///   framing is lost.
    public mutating func next(from buffer: inout ByteBuffer) throws(WebSocketFrameError) -> Piece? {
        switch state {
        case .header:
            guard let header = try Self.peekHeader(buffer, maxFrameLength: maxFrameLength) else { return nil }
            buffer.moveReaderIndex(forwardBy: header.headerLength)
            let key = header.maskingKey.flatMap { key in
                WebSocketMaskingKey([UInt8(key >> 24), UInt8(truncatingIfNeeded: key >> 16), UInt8(truncatingIfNeeded: key >> 8), UInt8(truncatingIfNeeded: key)])
            }
            state = .payload(remaining: header.payloadLength, maskingKey: key, offset: 0)
            return .header(header)
        case .payload(let remaining, let maskingKey, let offset):
            if remaining == 0 {
                state = .header
                return .end
            }
            guard buffer.readableBytes > 0 else { return nil }
            let count = Int(min(remaining, UInt64(buffer.readableBytes)))
            guard var slice = buffer.readSlice(length: count) else { return nil }
            if let maskingKey {
                slice.webSocketUnmask(maskingKey, indexOffset: Int(offset % 4))
            }
            state = .payload(remaining: remaining - UInt64(count), maskingKey: maskingKey, offset: offset + UInt64(count))
            return .payload(slice)
        }
    }

    /// Reads a frame header at the reader index without consuming it; nil when incomplete.
    ///
    /// - Throws: `WebSocketFrameError` for a length with the high bit set or beyond `maxFrameLength`.
    public static func peekHeader(
        _ buffer: ByteBuffer,
        maxFrameLength: Int
    ) throws(WebSocketFrameError) -> WebSocketFrameHeader? {
        try peekHeader(buffer, at: buffer.readerIndex, maxFrameLength: maxFrameLength)
    }

    /// Reads a frame header at index `start` of `buffer` (up to its writer index); nil when incomplete.
    static func peekHeader(
        _ buffer: ByteBuffer,
        at start: Int,
        maxFrameLength: Int
    ) throws(WebSocketFrameError) -> WebSocketFrameHeader? {
        guard let first = buffer.getInteger(at: start, as: UInt8.self),
            let second = buffer.getInteger(at: start + 1, as: UInt8.self)
        else { return nil }
        var length = UInt64(second & 0x7f)
        var cursor = start + 2
        switch length {
        case 126:
            guard let extended = buffer.getInteger(at: cursor, as: UInt16.self) else { return nil }
            length = UInt64(extended)
            cursor += 2
        case 127:
            guard let extended = buffer.getInteger(at: cursor, as: UInt64.self) else { return nil }
            // RFC 6455 §5.2: "the most significant bit MUST be 0".
            guard extended & (1 << 63) == 0 else { throw .lengthHighBitSet(extended) }
            length = extended
            cursor += 8
        default:
            break
        }
        guard length <= UInt64(max(0, maxFrameLength)) else { throw .lengthOverLimit(length, limit: maxFrameLength) }
        var maskingKey: UInt32?
        if second & 0x80 != 0 {
            guard let key = buffer.getInteger(at: cursor, as: UInt32.self) else { return nil }
            maskingKey = key
            cursor += 4
        }
        return WebSocketFrameHeader(
            fin: first & 0x80 != 0,
            rsv1: first & 0x40 != 0,
            rsv2: first & 0x20 != 0,
            rsv3: first & 0x10 != 0,
            opcode: WebSocketOpcode(rawValue: first),
            maskingKey: maskingKey,
            payloadLength: length,
            headerLength: cursor - start
        )
    }
}
