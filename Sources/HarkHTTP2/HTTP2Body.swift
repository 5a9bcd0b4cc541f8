public import HarkContentCoding
public import NIOCore

/// A message body carried in DATA frames: the bytes kept, what was counted, the content-decoded form.
public struct HTTP2Body: Hashable, Sendable {
    /// The DATA content (padding removed), up to `HTTP2Limits.maxBodyBytes`, in hark's own storage.
    public var bytes: ByteBuffer
    /// DATA content bytes captured, including those beyond the kept limit.
    public var length: Int
    /// Bytes of DATA frames lost in capture gaps.
    public var missingBytes: Int
    /// Number of DATA frames.
    public var frameCount: Int
    /// The content codings from `content-encoding`, in the order applied.
    public var contentCodings: [ContentCoding]
    /// The body with content codings undone, when there were any and the body was kept whole; capped at
    /// `HTTP2Limits.maxDecodedBodyBytes`.
    public var decoded: ByteBuffer?
    /// Why content decoding failed or stopped early.
    public var decodingError: ContentDecodingError?

    /// An empty body.
    public init() {
        bytes = ByteBuffer()
        length = 0
        missingBytes = 0
        frameCount = 0
        contentCodings = []
    }

    /// Whether some captured bytes were counted but not kept.
    public var isTruncated: Bool { bytes.readableBytes < length }

    /// The content-decoded body when available, else the kept bytes.
    public var content: ByteBuffer { decoded ?? bytes }

    /// Adds one DATA frame's content, keeping at most `limit` bytes in all.
    mutating func append(_ data: ByteBuffer, limit: Int) {
        frameCount &+= 1
        length &+= data.readableBytes
        let room = limit - bytes.readableBytes
        guard room > 0, data.readableBytes > 0 else { return }
        if let kept = data.getSlice(at: data.readerIndex, length: min(room, data.readableBytes)) {
            bytes.writeImmutableBuffer(kept)
        }
    }

    /// Undoes the content codings named in `headers`, when the body was kept whole.
    mutating func decodeContent(codingsFrom values: [String], maxOutputBytes: Int) {
        contentCodings = ContentCoding.list(fromFieldValues: values)
        guard contentCodings.contains(where: { $0 != .identity }), !isTruncated, missingBytes == 0 else { return }
        let result = ContentDecoder.decode(bytes, codings: contentCodings, maxOutputBytes: maxOutputBytes)
        decoded = result.decoded
        decodingError = result.error
    }
}
