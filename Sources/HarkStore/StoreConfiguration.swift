public import HarkCore

/// How a `LiveStore` is set up: its bounds, whether it keeps packets, and where details go.
public struct StoreConfiguration: Sendable {
    /// The bounds.
    public var limits = StoreLimits()
    /// Whether the store asks the session for every packet (`SessionObserver.wantsPacketFacts`), for
    /// views that draw packets (the browser timeline). Default false: the terminal UI shows TCP events
    /// and summaries only, and then packets cost nothing.
    public var keepsPackets = false
    /// Packets kept one by one over all connections; past it, packets go into buckets. Default 2,000,000.
    public var maxPackets = 2_000_000
    /// Where the detail journal lives: memory up to the threshold per segment and the pool's allowance,
    /// then unlinked files in the pool's directory. Default: 64 KiB per segment, a pool of its own with
    /// 8 MiB of memory and 8 GiB of disk in `$TMPDIR`.
    public var journal = BodyStorageLimits(
        memoryThreshold: 64 << 10, pool: BodyStoragePool(maxMemoryBytes: 8 << 20, maxDiskBytes: 8 << 30)
    )

    public init() {}
}
