public import HarkCore

/// Bounds on what reassembly holds in memory and how long it waits, with the defaults used by `hark`.
///
/// Exceeding a buffer limit never grows memory: the direction that overflows gives up waiting for the
/// missing bytes, reports them as a gap and delivers what it holds.
public struct ReassemblyLimits: Sendable {
    /// Out-of-order bytes one direction of one connection may hold while waiting for a hole to fill.
    /// Default 4 MiB: a few round trips of a fast transfer.
    public var maxBufferedBytesPerDirection: Int = 4 << 20
    /// Out-of-order segments one direction may hold. Default 4096, which keeps insertion cheap.
    public var maxBufferedSegmentsPerDirection: Int = 4096
    /// Out-of-order bytes all connections together may hold. Default 256 MiB.
    public var maxBufferedBytesTotal: Int = 256 << 20
    /// A connection with no packet for this long is closed; a later packet on its 4-tuple starts a new
    /// connection. Default 5 minutes of capture time.
    public var idleTimeout: TimeSpan = .seconds(300)
    /// Connections tracked at once. A new connection beyond it first evicts a tenth of them: those that
    /// carried no payload (a SYN flood, a port scan) before the rest, the least recently active first.
    /// Evicted connections end as `StreamEndReason.evicted` and are counted. Default 20,000.
    public var maxTrackedConnections: Int = 20_000
    /// How long a closed (FIN/FIN or RST) connection lingers to absorb late ACKs and retransmissions
    /// before its summary is published. A new SYN ends the linger at once. Default 10 seconds.
    public var closedLinger: TimeSpan = .seconds(10)
    /// Once the receiver has acknowledged bytes the capture never saw, reassembly waits this many more
    /// packets of the connection (they may just be reordered) before declaring the bytes lost.
    /// Default 3.
    public var acknowledgedHoleGracePackets: Int = 3
    /// …or this much capture time, whichever comes first. Default 500 ms.
    public var acknowledgedHoleGraceTime: TimeSpan = .milliseconds(500)

    public init() {}
}
