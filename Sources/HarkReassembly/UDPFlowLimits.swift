public import HarkCore

/// Bounds on UDP flow tracking, with the defaults used by `hark`.
public struct UDPFlowLimits: Sendable {
    /// A flow with no datagram for this long is over; a later datagram on its 4-tuple starts a new flow.
    /// Default 2 minutes of capture time (QUIC's idle timeouts are usually 30 s to a minute).
    public var idleTimeout: TimeSpan = .seconds(120)
    /// Flows tracked at once. A new flow beyond it first ends the least recently active tenth, which are
    /// counted as evicted. Default 20,000.
    public var maxTrackedFlows: Int = 20_000

    public init() {}
}
