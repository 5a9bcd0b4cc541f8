/// What the timeline's JSON includes, each with the default of `hark web`.
public struct TimelineOptions: Sendable {
    /// Packets written one by one over all connections; the packets of connections past it are written
    /// aggregated (see `PacketAggregation`). Default: all the store kept.
    public var maxPackets = Int.max
    /// Whether the document carries every exchange's details (headers, HAR entry), as a report must: a
    /// served page asks for them one at a time. Default false.
    public var includesDetails = false
    /// Whether details carry body previews. Default true (`hark web`); `hark timeline` leaves them out
    /// unless asked.
    public var includesBodies = true
    /// Bytes of each body shown in a preview. Default 64 KiB.
    public var maxBodyPreview = 64 << 10

    public init() {}
}
