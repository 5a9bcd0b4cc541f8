import HarkCore
public import HarkModel

/// A connection on which TCP had trouble: retransmissions, reordering, lost bytes, resets, SYN
/// retries or a stalled receiver.
public struct ConnectionProblems: Hashable, Sendable {
    /// The connection's counters, both directions.
    public var summary: TCPConnectionSummary
    /// What the connection carried.
    public var applicationProtocol: ApplicationProtocol

    /// The connection's problems, or nil when it had none.
    public init?(summary: TCPConnectionSummary, applicationProtocol: ApplicationProtocol) {
        self.summary = summary
        self.applicationProtocol = applicationProtocol
        guard severity > 0 else { return nil }
    }

    /// Retransmitted segments, both directions.
    public var retransmissions: Int { summary.clientToServer.retransmissions &+ summary.serverToClient.retransmissions }
    /// Segments that arrived beyond a hole, both directions.
    public var outOfOrder: Int { summary.clientToServer.outOfOrder &+ summary.serverToClient.outOfOrder }
    /// Holes never filled, both directions.
    public var gaps: Int { summary.clientToServer.gaps &+ summary.serverToClient.gaps }
    /// Bytes never captured, both directions.
    public var gapBytes: Int64 { summary.clientToServer.gapBytes &+ summary.serverToClient.gapBytes }
    /// Zero-window advertisements, both directions.
    public var zeroWindows: Int { summary.clientToServer.zeroWindows &+ summary.serverToClient.zeroWindows }
    /// Retransmissions whose bytes differed from the first copy, both directions.
    public var overlapConflicts: Int {
        summary.clientToServer.overlapConflicts &+ summary.serverToClient.overlapConflicts
    }

    /// How bad it was, for ordering: the number of problem events (each retransmission, out-of-order
    /// segment, gap, zero window, conflicting overlap and SYN retry counts one; a reset counts one).
    public var severity: Int {
        retransmissions &+ outOfOrder &+ gaps &+ zeroWindows &+ overlapConflicts &+ summary.synRetransmissions
            &+ (summary.resetBy == nil ? 0 : 1)
    }

    /// Worst first: by ``severity``, then by lost bytes, then by connection id.
    static func worseFirst(_ lhs: ConnectionProblems, _ rhs: ConnectionProblems) -> Bool {
        if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
        if lhs.gapBytes != rhs.gapBytes { return lhs.gapBytes > rhs.gapBytes }
        return lhs.summary.info.id < rhs.summary.info.id
    }
}

/// TCP trouble over the whole capture.
public struct TCPProblemTotals: Hashable, Sendable {
    /// Connections seen.
    public var connections = 0
    /// Connections with at least one problem.
    public var connectionsWithProblems = 0
    /// Retransmitted segments.
    public var retransmissions = 0
    /// Out-of-order segments.
    public var outOfOrder = 0
    /// Holes never filled.
    public var gaps = 0
    /// Bytes never captured.
    public var gapBytes: Int64 = 0
    /// Connections aborted by a RST.
    public var resets = 0
    /// SYNs sent again.
    public var synRetransmissions = 0
    /// Zero-window advertisements.
    public var zeroWindows = 0

    /// All zero.
    public init() {}

    mutating func add(_ summary: TCPConnectionSummary, problems: ConnectionProblems?) {
        connections &+= 1
        guard let problems else { return }
        connectionsWithProblems &+= 1
        retransmissions &+= problems.retransmissions
        outOfOrder &+= problems.outOfOrder
        gaps &+= problems.gaps
        gapBytes &+= problems.gapBytes
        resets &+= summary.resetBy == nil ? 0 : 1
        synRetransmissions &+= summary.synRetransmissions
        zeroWindows &+= problems.zeroWindows
    }
}
