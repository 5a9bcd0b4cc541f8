public import HarkCore

/// Bounds on what one HTTP/3 connection's analysis holds, with the defaults `hark` uses.
public struct HTTP3Limits: Sendable {
    /// Body bytes kept per message; later ones are counted only. Default 1 GiB (bodies spill to disk,
    /// see `bodyStorage`).
    public var maxBodyBytes = 1 << 30
    /// Most bytes content decoding may produce per body. Default 1 GiB.
    public var maxDecodedBodyBytes = 1 << 30
    /// Where kept bodies go.
    public var bodyStorage: BodyStorageLimits
    /// Longest HEADERS (or other non-DATA) frame read; longer ones are skipped. Default 256 KiB.
    public var maxFramePayload = 256 << 10
    /// Most name and value bytes one field section may decode to. Default 256 KiB.
    public var maxFieldSectionSize = 256 << 10
    /// Largest QPACK dynamic table followed, whatever SETTINGS allow. Default 1 MiB.
    public var maxTableCapacity = 1 << 20
    /// Field sections waiting for encoder-stream inserts at once, and the bytes a blocked stream may
    /// hold back behind its section. Defaults 100 and 1 MiB.
    public var maxBlockedSections = 100
    public var maxBlockedBytes = 1 << 20
    /// Request streams open at once; further ones are reported and not followed. Default 1,000.
    public var maxOpenRequests = 1_000
    /// The budget shared with other connections for the requests waiting for responses; nil for none
    /// (only `maxOpenRequests` bounds them). Each request stream is charged about what its state holds
    /// (`HTTP3RequestState.cost`); one that does not fit makes this connection give up its oldest request
    /// still waiting for a response. A session passes its own (`SessionConfiguration
    /// .maxWaitingRequestBytes`). Default nil.
    public var waitingRequests: ByteBudget?

    public init(bodyStorage: BodyStorageLimits = BodyStorageLimits()) {
        self.bodyStorage = bodyStorage
    }
}
