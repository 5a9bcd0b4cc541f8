import HarkCore
import NIOCore

/// Bytes that arrived beyond a hole, copied out of capture storage, waiting for the hole to fill.
struct BufferedSegment {
    /// Stream offset of the first byte.
    var offset: Int64
    /// The captured bytes, an owned copy; may be shorter than `length` when the frame was truncated.
    var bytes: ByteBuffer
    /// How many sequence numbers the piece covers on the wire.
    var length: Int
    /// When the segment that carried these bytes was captured, and its packet number: the bytes keep
    /// them when they are delivered later, once the hole before them is filled or given up on.
    var time: Timestamp
    var packetNumber: Int

    /// The offset just past the piece.
    var end: Int64 { offset + Int64(length) }
}
