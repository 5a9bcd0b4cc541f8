/// Counts of what a session read, for summaries and for the exit status.
public struct SessionStatistics: Hashable, Sendable {
    /// Capture records (packets) read.
    public var frames = 0
    /// Captured bytes in those records.
    public var capturedBytes: Int64 = 0
    /// Frames cut short by the snapshot length.
    public var truncatedFrames = 0
    /// TCP segments decoded.
    public var tcpSegments = 0
    /// Non-TCP traffic by kind (`udp`, `arp`, `icmp`, `ip-proto-47`…): counted, not an error.
    public var otherTraffic: [String: Int] = [:]
    /// Frames that could not be decoded.
    public var malformedFrames = 0
    /// IP fragments held for reassembly.
    public var heldFragments = 0
    /// TCP connections seen.
    public var connections = 0
    /// HTTP exchanges reported.
    public var exchanges = 0
    /// Diagnostics reported.
    public var diagnostics = 0

    public init() {}
}
