public import HarkContentCoding
public import HarkCore

/// How a message's body length was determined (RFC 9112 §6.3).
public enum HTTP1Framing: Hashable, Sendable {
    /// No body by rule: a request without length headers, a HEAD response, 1xx, 204, 304, a 2xx to
    /// CONNECT or a 101.
    case none
    /// `Content-Length` bytes.
    case contentLength
    /// `Transfer-Encoding: chunked`.
    case chunked
    /// Everything until the server closes its direction (responses only), including HTTP/0.9.
    case closeDelimited
}

/// A message body: the bytes kept, what the wire carried, and the content-decoded form.
///
/// Both forms are `BodyStorage`: in memory while small (and while the shared allowance lasts), in an
/// unlinked temporary file otherwise (see `HTTP1Limits.bodyStorage`), so a large body costs disk, not
/// memory.
public struct HTTP1Body: Hashable, Sendable {
    /// How the body length was determined.
    public var framing: HTTP1Framing
    /// The `Content-Length` value used for framing, when that was the framing.
    public var declaredLength: Int?
    /// The body after transfer decoding (chunk framing removed), up to `HTTP1Limits.maxBodyBytes`, in
    /// hark's own storage (never a slice of the capture).
    public var bytes: BodyStorage
    /// Transfer-decoded bytes that were captured, including those beyond the kept limit.
    public var length: Int
    /// Bytes that belong to the body but were never captured (gaps, or a close before the declared
    /// length); a lower bound when chunk framing was lost.
    public var missingBytes: Int
    /// Whether the framing reached its end (last chunk, full length, or close for close-delimited bodies).
    public var isComplete: Bool
    /// Bytes on the wire from the end of the head to the end of the message: chunk sizes, extensions,
    /// CRLFs and trailers included, gap bytes included.
    public var wireBytes: Int
    /// Number of data chunks (the zero-size last chunk not counted).
    public var chunkCount: Int
    /// The trailer section of a chunked body.
    public var trailers: HTTPFields
    /// The content codings from `Content-Encoding`, in the order they were applied.
    public var contentCodings: [ContentCoding]
    /// The body with content codings undone, when there were any, the analyzer decodes content and the
    /// body was captured without holes; nil otherwise. Holds at most `HTTP1Limits.maxBodyBytes`.
    public var decoded: BodyStorage?
    /// Bytes the content decoding produced, kept or not (at most `HTTP1Limits.maxDecodedBodyBytes`);
    /// set exactly when `decoded` is.
    public var decodedLength: Int?
    /// Why content decoding failed or stopped early.
    public var decodingError: ContentDecodingError?

    /// An empty body with the given framing.
    public init(framing: HTTP1Framing = .none) {
        self.framing = framing
        self.bytes = BodyStorage()
        self.length = 0
        self.missingBytes = 0
        self.isComplete = true
        self.wireBytes = 0
        self.chunkCount = 0
        self.trailers = HTTPFields()
        self.contentCodings = []
    }

    /// Whether some captured body bytes were counted but not kept (over `HTTP1Limits.maxBodyBytes`, or
    /// refused by the storage: see `storageError`).
    public var isTruncated: Bool { bytes.count < length }

    /// Why the body or its decoded form stopped being stored (disk budget used up, disk full), if so.
    public var storageError: BodyStorageError? { bytes.error ?? decoded?.error }

    /// The bytes a user would want to see: the content-decoded body when available, else the kept bytes.
    public var content: BodyStorage { decoded ?? bytes }
}

/// Where a message sits in its direction's byte stream and in capture time.
public struct HTTP1WireSpan: Hashable, Sendable {
    /// Stream offset of the message's first byte (counting gap bytes, from 0 at the first byte seen).
    public var startOffset: Int64
    /// Stream offset just past the message's last byte.
    public var endOffset: Int64
    /// Capture time of the segment holding the first byte.
    public var firstByteTime: Timestamp
    /// Capture time of the segment holding the last byte.
    public var lastByteTime: Timestamp
    /// Numbers of the packets holding the first and last byte, from the analyzer's `PacketClock`; 0
    /// when it has none.
    public var firstPacket = 0
    public var lastPacket = 0

    /// A span from its offsets and times.
    public init(startOffset: Int64, endOffset: Int64, firstByteTime: Timestamp, lastByteTime: Timestamp) {
        self.startOffset = startOffset
        self.endOffset = endOffset
        self.firstByteTime = firstByteTime
        self.lastByteTime = lastByteTime
    }
}
