/// What the store has seen and what it let go, for a status line ("12 dropped").
public struct StoreCounters: Sendable, Hashable {
    /// Exchanges reported by the session, kept or not.
    public var exchanges = 0
    /// Exchanges evicted to stay within `StoreLimits.maxExchanges`.
    public var evictedExchanges = 0
    /// Exchanges with problems (`Exchange.problems` not empty), kept or not.
    public var exchangesWithProblems = 0
    /// Connections seen, and evicted past `StoreLimits.maxConnections`.
    public var connections = 0
    public var evictedConnections = 0
    /// TCP events past the per-connection bound, counted only.
    public var omittedEvents = 0
    /// Messages (WebSocket) past the bounds or on connections no longer kept, counted only.
    public var omittedMessages = 0
    /// Packets aggregated into buckets instead of kept one by one.
    public var aggregatedPackets = 0
    /// Diagnostics reported, kept or not, and how many were errors.
    public var diagnostics = 0
    public var errors = 0
    /// Diagnostics dropped past `StoreLimits.maxDiagnostics` (the oldest go).
    public var droppedDiagnostics = 0
    /// Exchange details that could not be read back (the journal's disk budget ran out).
    public var unreadableDetails = 0
    /// Capture bytes read so far (for progress).
    public var bytesRead: Int64 = 0
    /// Whether the session has ended: nothing more will come.
    public var isFinished = false

    public init() {}
}
