public import HarkContentCoding
public import HarkCore
import NIOCore

/// A message body carried in DATA frames: the bytes kept, what was counted, the content-decoded form.
///
/// Both forms are `BodyStorage`: in memory while small (and while the shared allowance lasts), in an
/// unlinked temporary file otherwise (see `HTTP2Limits.bodyStorage`), so a large body costs disk, not
/// memory.
public struct HTTP2Body: Hashable, Sendable {
    /// The DATA content (padding removed), up to `HTTP2Limits.maxBodyBytes`, in hark's own storage.
    public var bytes: BodyStorage
    /// DATA content bytes captured, including those beyond the kept limit.
    public var length: Int
    /// Bytes of DATA frames lost in capture gaps.
    public var missingBytes: Int
    /// Number of DATA frames.
    public var frameCount: Int
    /// The content codings from `content-encoding`, in the order applied.
    public var contentCodings: [ContentCoding]
    /// The body with content codings undone, when there were any, the analyzer decodes content and no
    /// DATA was lost; holds at most `HTTP2Limits.maxBodyBytes`.
    public var decoded: BodyStorage?
    /// Bytes the content decoding produced, kept or not (at most `HTTP2Limits.maxDecodedBodyBytes`);
    /// set exactly when `decoded` is.
    public var decodedLength: Int?
    /// Why content decoding failed or stopped early.
    public var decodingError: ContentDecodingError?

    /// An empty body.
    public init() {
        bytes = BodyStorage()
        length = 0
        missingBytes = 0
        frameCount = 0
        contentCodings = []
    }

    /// Whether some captured bytes were counted but not kept (over the limit, or refused by the
    /// storage: see `storageError`).
    public var isTruncated: Bool { bytes.count < length }

    /// Why the body or its decoded form stopped being stored (disk budget used up, disk full), if so.
    public var storageError: BodyStorageError? { bytes.error ?? decoded?.error }

    /// The content-decoded body when available, else the kept bytes.
    public var content: BodyStorage { decoded ?? bytes }

    /// Adds one DATA frame's content, keeping at most `limits.maxBodyBytes` bytes in all.
    mutating func append(_ data: ByteBuffer, limits: HTTP2Limits) {
        frameCount &+= 1
        length &+= data.readableBytes
        let room = limits.maxBodyBytes &- bytes.count
        guard room > 0, data.readableBytes > 0 else { return }
        if let kept = data.getSlice(at: data.readerIndex, length: min(room, data.readableBytes)) {
            bytes.append(kept, limits: limits.bodyStorage)
        }
    }
}
