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

    /// How many frames in a row are checked before the answer is `frames`.
    static let framesChecked = 3

    /// Whether `bytes` start with WebSocket frames, masked (`fromClient`) or not.
    public static func classify(_ bytes: ByteBuffer, fromClient: Bool) -> Verdict {
        var offset = bytes.readerIndex
        var whole = 0
        while whole < framesChecked {
            guard offset < bytes.writerIndex else { return whole > 0 ? .frames : .needMore }
            guard let view = bytes.getSlice(at: offset, length: bytes.writerIndex - offset) else { return .other }
            let header: WebSocketFrameHeader?
            do {
                header = try WebSocketFrameParser.peekHeader(view, maxFrameLength: 1 << 30)
            } catch {
                return .other
            }
            guard let header else { return whole > 0 ? .frames : .needMore }
            guard isPlausible(header, fromClient: fromClient) else { return .other }
            let end = UInt64(offset) + UInt64(header.headerLength) + header.payloadLength
            guard end <= UInt64(bytes.writerIndex) else { return whole > 0 ? .frames : .needMore }
            offset = Int(end)
            whole += 1
        }
        return .frames
    }

    /// The first offset from the reader index, within `searchLimit` bytes, where frames of this shape
    /// start; nil when none does yet.
    public static func firstFrameStart(in bytes: ByteBuffer, fromClient: Bool, searchLimit: Int) -> Int? {
        let end = min(bytes.writerIndex, bytes.readerIndex + searchLimit)
        var offset = bytes.readerIndex
        while offset < end {
            if let rest = bytes.getSlice(at: offset, length: bytes.writerIndex - offset),
                classify(rest, fromClient: fromClient) == .frames
            {
                return offset - bytes.readerIndex
            }
            offset += 1
        }
        return nil
    }

    private static func isPlausible(_ header: WebSocketFrameHeader, fromClient: Bool) -> Bool {
        guard header.opcode.isDefined, !header.rsv2, !header.rsv3, header.isMasked == fromClient else { return false }
        if header.opcode.isControl { return header.fin && header.payloadLength <= 125 && !header.rsv1 }
        return true
    }
}
