public import HarkCore

/// Bounds on what one `HTTP2Analyzer` keeps. Exceeding one is reported, never fatal.
///
/// Bodies are kept in memory up to `bodyStorage.memoryThreshold` each, past it on a memory allowance
/// shared by all bodies, and in unlinked temporary files once that is used up, so memory is bounded by
/// the streams in progress, not by body sizes.
public struct HTTP2Limits: Hashable, Sendable {
    /// Most streams open at once; a new stream beyond it makes the oldest open one be emitted as
    /// incomplete. Default 1024 (peers usually allow 100 to 250 concurrent streams).
    public var maxOpenStreams: Int
    /// Largest decoded header list (RFC 7541 size: name + value + 32 per field) per header block, and
    /// largest header block (HEADERS plus CONTINUATION fragments) buffered. Default 64 KiB.
    public var maxHeaderListSize: Int
    /// Largest HPACK dynamic table accepted from SETTINGS_HEADER_TABLE_SIZE. Default 64 KiB.
    public var maxHeaderTableSize: Int
    /// Most body bytes kept per message, for the DATA content and the content-decoded form each; later
    /// ones are counted, not kept. 0 keeps no body (lengths and decoded lengths are still counted).
    /// Default 1 GiB (on disk when memory cannot hold it).
    public var maxBodyBytes: Int
    /// Most content-decoded bytes produced per body (a decompression-bomb cap): decoding stops there.
    /// Default 1 GiB.
    public var maxDecodedBodyBytes: Int
    /// Most gRPC messages kept per direction of a call; later ones are counted. Default 1024.
    public var maxGRPCMessages: Int
    /// Most gRPC message bytes (decompressed) kept in memory per direction of a call: messages are kept
    /// up to the first that does not fit, later ones are counted, not kept. Default 16 MiB.
    public var maxGRPCMessageBytes: Int
    /// How bodies are stored: in memory up to a threshold each (default 256 KiB), past it on a memory
    /// allowance shared by all bodies (default 16 MiB), then on disk within a shared budget (default
    /// 4 GiB in `$TMPDIR`).
    public var bodyStorage: BodyStorageLimits
    /// The budget shared with other connections for the requests waiting for responses; nil for none
    /// (only `maxOpenStreams` bounds them). Each stream opened by a request is charged about what it
    /// holds (2 KiB and its decoded header list); a stream that does not fit makes this connection give
    /// up its oldest stream still waiting for a response (`HTTP2Exchange.IncompleteReason
    /// .sessionBudgetUsedUp`). A session passes its own (`SessionConfiguration.maxWaitingRequestBytes`).
    /// Default nil.
    public var waitingRequests: ByteBudget?

    /// Limits with the documented defaults, or the values given.
    public init(
        maxOpenStreams: Int = 1024,
        maxHeaderListSize: Int = 64 << 10,
        maxHeaderTableSize: Int = 64 << 10,
        maxBodyBytes: Int = 1 << 30,
        maxDecodedBodyBytes: Int = 1 << 30,
        maxGRPCMessages: Int = 1024,
        maxGRPCMessageBytes: Int = 16 << 20,
        bodyStorage: BodyStorageLimits = BodyStorageLimits(),
        waitingRequests: ByteBudget? = nil
    ) {
        self.maxOpenStreams = maxOpenStreams
        self.maxHeaderListSize = maxHeaderListSize
        self.maxHeaderTableSize = maxHeaderTableSize
        self.maxBodyBytes = maxBodyBytes
        self.maxDecodedBodyBytes = maxDecodedBodyBytes
        self.maxGRPCMessages = maxGRPCMessages
        self.maxGRPCMessageBytes = maxGRPCMessageBytes
        self.bodyStorage = bodyStorage
        self.waitingRequests = waitingRequests
    }

    /// These limits with every value raised to the smallest the analyzer can work with.
    public var clamped: HTTP2Limits {
        HTTP2Limits(
            maxOpenStreams: max(1, maxOpenStreams),
            maxHeaderListSize: max(1, maxHeaderListSize),
            maxHeaderTableSize: max(0, maxHeaderTableSize),
            maxBodyBytes: max(0, maxBodyBytes),
            maxDecodedBodyBytes: max(1, maxDecodedBodyBytes),
            maxGRPCMessages: max(0, maxGRPCMessages),
            maxGRPCMessageBytes: max(0, maxGRPCMessageBytes),
            bodyStorage: bodyStorage.clamped,
            waitingRequests: waitingRequests
        )
    }
}
