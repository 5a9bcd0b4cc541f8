public import HarkCore

/// Bounds on what one `HTTP1Analyzer` keeps. Exceeding one is reported, never fatal.
///
/// Bodies are kept in memory up to `bodyStorage.memoryThreshold` each, past it on a memory allowance
/// shared by all bodies, and in unlinked temporary files once that is used up, so memory is bounded by
/// the messages in progress, not by body sizes.
///
/// The analyzer raises nonsensical values to the smallest workable ones (`clamped`): a head limit below
/// 16 bytes becomes 16, negative counts become 0, a decoded-body cap below 1 becomes 1.
public struct HTTP1Limits: Hashable, Sendable {
    /// Largest request or status line plus header section, including the blank line; also bounds a
    /// trailer section. Larger heads are reported and skipped. Default 64 KiB.
    public var maxHeadBytes: Int
    /// Most header fields kept per message; later ones are dropped and reported. Default 256.
    public var maxHeaderCount: Int
    /// Most body bytes kept per message, for the transfer-decoded and the content-decoded form each;
    /// later ones are counted, not kept, and the body is flagged truncated. 0 keeps no body (lengths and
    /// decoded lengths are still counted). Default 1 GiB (on disk when memory cannot hold it).
    public var maxBodyBytes: Int
    /// Most content-decoded bytes produced per body (a decompression-bomb cap): decoding stops there.
    /// Default 1 GiB.
    public var maxDecodedBodyBytes: Int
    /// Most requests waiting for a response (pipelining); beyond it the oldest is emitted without one.
    /// Default 64.
    public var maxPendingRequests: Int
    /// Most client bytes held back while an `Upgrade` or `CONNECT` request waits for its answer (they
    /// become tunnel data or are parsed as HTTP once the response is seen). Default 64 KiB.
    public var maxHeldBytes: Int
    /// The budget shared with other connections for the requests waiting for responses; nil for none
    /// (only `maxPendingRequests` bounds them). Each waiting request is charged
    /// `PendingExchange.cost(headSize:fieldCount:)`; a request that does not fit makes this connection
    /// give up its oldest waiting request (`HTTP1Exchange.NoResponseReason.sessionBudgetUsedUp`). A
    /// session passes its own (`SessionConfiguration.maxWaitingRequestBytes`). Default nil.
    public var waitingRequests: ByteBudget?
    /// How bodies are stored: in memory up to a threshold each (default 256 KiB), past it on a memory
    /// allowance shared by all bodies (default 16 MiB), then on disk within a shared budget (default
    /// 4 GiB in `$TMPDIR`).
    public var bodyStorage: BodyStorageLimits

    /// Limits with the documented defaults, or the values given.
    public init(
        maxHeadBytes: Int = 64 << 10,
        maxHeaderCount: Int = 256,
        maxBodyBytes: Int = 1 << 30,
        maxDecodedBodyBytes: Int = 1 << 30,
        maxPendingRequests: Int = 64,
        maxHeldBytes: Int = 64 << 10,
        waitingRequests: ByteBudget? = nil,
        bodyStorage: BodyStorageLimits = BodyStorageLimits()
    ) {
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxDecodedBodyBytes = maxDecodedBodyBytes
        self.maxPendingRequests = maxPendingRequests
        self.maxHeldBytes = maxHeldBytes
        self.waitingRequests = waitingRequests
        self.bodyStorage = bodyStorage
    }

    /// These limits with every value raised to the smallest the analyzer can work with.
    public var clamped: HTTP1Limits {
        HTTP1Limits(
            maxHeadBytes: max(16, maxHeadBytes),
            maxHeaderCount: max(0, maxHeaderCount),
            maxBodyBytes: max(0, maxBodyBytes),
            maxDecodedBodyBytes: max(1, maxDecodedBodyBytes),
            maxPendingRequests: max(1, maxPendingRequests),
            maxHeldBytes: max(0, maxHeldBytes),
            waitingRequests: waitingRequests,
            bodyStorage: bodyStorage.clamped
        )
    }
}
