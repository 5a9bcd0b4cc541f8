/// Bounds of a `LiveStore`, each with its default: what a live run of hours keeps in memory and on disk.
public struct StoreLimits: Hashable, Sendable {
    /// Exchanges kept; past it the oldest are evicted (and counted in `StoreCounters.evictedExchanges`).
    /// Default 1,000,000.
    public var maxExchanges = 1_000_000
    /// Connections kept; past it the oldest closed ones are evicted (`evictedConnections`). Default 100,000.
    public var maxConnections = 100_000
    /// Packets kept one by one per connection; later ones are aggregated into at most
    /// `maxPacketBuckets` buckets (see `PacketSeries`). Default 2,000.
    public var maxPacketsPerConnection = 2_000
    /// Buckets of aggregated packets per connection. Default 256.
    public var maxPacketBuckets = 256
    /// TCP events kept per connection; later ones are only counted (`omittedEvents`). Default 500.
    public var maxEventsPerConnection = 500
    /// Messages (WebSocket) marked per connection; later ones are only counted. Default 2,000.
    public var maxMessagesPerConnection = 2_000
    /// Messages marked over all connections; later ones are only counted. Default 100,000.
    public var maxMessages = 100_000
    /// Payload bytes (as meant: decompressed) kept with each marked message. Default 64 KiB.
    public var maxMessageBytes = 64 << 10
    /// Diagnostics kept (the latest); earlier ones are only counted. Default 10,000.
    public var maxDiagnostics = 10_000
    /// Bytes of each body (and of its decoded form) the store keeps for the detail view and exports;
    /// the rest is counted as omitted. Default 16 MiB.
    public var maxBodyBytes = 16 << 20
    /// Exchanges per detail journal segment: the unit in which details of evicted exchanges are freed.
    /// Default 8,192.
    public var exchangesPerSegment = 8_192

    public init() {}
}
