public import NIOCore

/// Recognises WebSocket frames by their shape when the upgrade was not captured (LIVE-AND-VIEWS §7):
/// a defined opcode, RSV2 and RSV3 clear, control frames short and final, the mask bit set exactly on
/// the client's frames, and each frame followed by another such header or by the end of the bytes.
public enum WebSocketFrameShape {
    /// What the bytes look like.
    public enum Verdict: Hashable, Sendable {
        /// At least one whole frame of this shape, followed by the end of the bytes or another header.
        case frames
        /// Too few bytes to tell.
        case needMore
        /// Not frames of this shape.
        case other
    }

    /// What the bytes at one offset look like, and when to look again if they cannot tell yet.
    enum Examination: Hashable, Sendable {
        case frames
        /// The first frame is not whole: nothing can change before the buffer reaches this index.
        case needMore(until: Int)
        /// Not frames, whatever bytes follow (more bytes never turn `other` into anything else).
        case other
    }

    /// How many frames in a row are checked before the answer is `frames`.
    static let framesChecked = 3

    /// Whether `bytes` start with WebSocket frames, masked (`fromClient`) or not.
    public static func classify(_ bytes: ByteBuffer, fromClient: Bool) -> Verdict {
        switch examine(bytes, at: bytes.readerIndex, fromClient: fromClient) {
        case .frames: .frames
        case .needMore: .needMore
        case .other: .other
        }
    }

    /// Whether the bytes of `bytes` from index `start` to its writer index start with WebSocket frames;
    /// looks at no more than `framesChecked` headers, so the cost does not depend on the length.
    static func examine(_ bytes: ByteBuffer, at start: Int, fromClient: Bool) -> Examination {
        var offset = start
        var whole = 0
        let end = bytes.writerIndex
        while whole < framesChecked {
            guard offset < end else { return whole > 0 ? .frames : .needMore(until: end + 1) }
            let header: WebSocketFrameHeader?
            do {
                header = try WebSocketFrameParser.peekHeader(bytes, at: offset, maxFrameLength: 1 << 30)
            } catch {
                return .other
            }
            guard let header else { return whole > 0 ? .frames : .needMore(until: end + 1) }
            guard isPlausible(header, fromClient: fromClient) else { return .other }
            // The header's length is at most 2^30 (checked by `peekHeader`), so this cannot overflow.
            let frameEnd = offset + header.headerLength + Int(header.payloadLength)
            guard frameEnd <= end else { return whole > 0 ? .frames : .needMore(until: frameEnd) }
            offset = frameEnd
            whole += 1
        }
        return .frames
    }

    private static func isPlausible(_ header: WebSocketFrameHeader, fromClient: Bool) -> Bool {
        guard header.opcode.isDefined, !header.rsv2, !header.rsv3, header.isMasked == fromClient else { return false }
        if header.opcode.isControl { return header.fin && header.payloadLength <= 125 && !header.rsv1 }
        return true
    }
}
