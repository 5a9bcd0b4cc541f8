public import HarkCore
import HarkModel
public import HarkPacket

/// Rebuilds TCP connections from segments in capture order and hands their byte streams to a
/// `TCPStreamHandler`.
///
/// One connection is one *lifetime* of a 4-tuple: a new SYN after FIN or RST, a SYN with a new initial
/// sequence number on a connection that already carried data, or a packet after a long idle period
/// starts a new connection, so port reuse never merges two conversations. Client and server come from
/// the handshake, or from port heuristics when the capture starts mid-connection.
///
/// Memory is bounded by open connections: a connection leaves the table, and its summary is published,
/// once it has been closed for `ReassemblyLimits.closedLinger` or idle for `idleTimeout`, and at most
/// `maxTrackedConnections` are tracked at once (see `evictedConnectionCount`).
///
/// Not thread-safe: one reassembler is owned by one packet loop.
///
/// ### Example
/// ```swift
/// var reassembler = TCPReassembler()
/// reassembler.process(segment, at: frame.timestamp, packetNumber: frame.number, handler: &handler)
/// reassembler.finish(handler: &handler)
/// ```
public struct TCPReassembler {
    /// The limits in force.
    public let limits: ReassemblyLimits
    private var table = ConnectionTable()
    private var nextConnectionID = 0
    /// Out-of-order bytes all connections may still buffer.
    private var budget: Int
    private var lastSweep: Timestamp?
    /// Capture time as the sweep sees it, immune to one-off jumps (see `SweepClock`).
    private var clock = SweepClock()
    private var lastTimestamp: Timestamp?
    private var lastPacketNumber = 0

    /// Ports that were listening on this machine when a live capture began: a connection joined without
    /// its handshake whose one side uses such a port is served by that side.
    private let listeningPorts: Set<UInt16>

    /// - Parameter listeningPorts: for a live capture, the ports listening on this machine (see the
    ///   property); empty for a file, whose connections are judged by their ports alone.
    public init(limits: ReassemblyLimits = ReassemblyLimits(), listeningPorts: Set<UInt16> = []) {
        self.limits = limits
        self.budget = limits.maxBufferedBytesTotal
        self.listeningPorts = listeningPorts
    }

    /// Connections currently tracked (open, or closed and lingering).
    public var trackedConnectionCount: Int { table.count }
    /// Connections dropped from tracking so far because `ReassemblyLimits.maxTrackedConnections` were
    /// tracked when a new one began.
    public private(set) var evictedConnectionCount = 0

    /// Takes one TCP segment.
    ///
    /// - Parameters:
    ///   - segment: the decoded segment; its payload may be a slice of capture storage.
    ///   - time: the packet's capture time.
    ///   - packetNumber: the packet's 1-based number in the capture, carried into events.
    ///   - handler: receives streams, gaps, events and summaries.
    public mutating func process<Handler: TCPStreamHandler>(
        _ segment: TCPSegment,
        at time: Timestamp,
        packetNumber: Int,
        handler: inout Handler
    ) {
        lastTimestamp = max(lastTimestamp ?? time, time)
        lastPacketNumber = packetNumber
        sweepIfDue(at: time, packetNumber: packetNumber, handler: &handler)

        let key = ConnectionKey(source: segment.source, destination: segment.destination)
        var slot = table.slot(of: key)
        // Only a SYN or a long silence can start a new lifetime: test that on the state's fields in
        // place before calling `startsNewLifetime`, which takes (so copies) the whole state.
        if let existing = slot,
            segment.flags.contains(.syn) || time.since(table.states[existing].lastTimestamp) > limits.idleTimeout,
            table.states[existing].startsNewLifetime(segment, at: time, limits: limits),
            var previous = table.remove(key)
        {
            let reason = previous.closedAt == nil ? reuseReason(previous, at: time) : .fin
            retire(&previous, reason: reason, at: time, packetNumber: packetNumber, handler: &handler)
            slot = nil
        }
        let current: Int
        if let slot {
            current = slot
        } else {
            if table.count >= limits.maxTrackedConnections {
                evict(at: time, packetNumber: packetNumber, handler: &handler)
            }
            current = table.insert(open(for: segment, at: time, packetNumber: packetNumber, handler: &handler), for: key)
        }
        table.states[current].receive(
            segment, at: time, packetNumber: packetNumber, limits: limits, budget: &budget, handler: &handler
        )
    }

    /// Moves capture time on without a packet, as a live capture's clock does while the network is
    /// quiet: connections idle past `ReassemblyLimits.idleTimeout` are closed as idle and closed ones
    /// past their linger are published, as a packet at `time` would have done.
    public mutating func advance<Handler: TCPStreamHandler>(to time: Timestamp, handler: inout Handler) {
        sweepIfDue(at: time, packetNumber: lastPacketNumber, handler: &handler)
    }

    /// Ends every tracked connection at the end of the capture and publishes their summaries in
    /// connection order.
    public mutating func finish<Handler: TCPStreamHandler>(handler: inout Handler) {
        let time = lastTimestamp ?? Timestamp(nanoseconds: 0)
        // One at a time: a copy of every state at once would double the table's memory at the end.
        var remaining = table.keys { $0.info.id }
        remaining.sort { $0.value < $1.value }
        for connection in remaining {
            guard var state = table.remove(connection.key) else { continue }
            retire(&state, reason: .endOfCapture, at: time, packetNumber: lastPacketNumber, handler: &handler)
        }
    }

    // MARK: - Lifetimes

    /// Makes room for new connections: retires a tenth of the budget (at least one), handshake-less and
    /// payload-less connections first, the least recently active first within each. Evicting in batches keeps a flood of new
    /// connections linear: the table is scanned once per batch, not once per connection.
    private mutating func evict<Handler: TCPStreamHandler>(at time: Timestamp, packetNumber: Int, handler: inout Handler) {
        let batch = max(1, limits.maxTrackedConnections / 10)
        // Rank 0: no handshake and no payload (an unanswered SYN); 1: no payload; 2: the rest.
        var candidates = table.keys { state in
            let rank = state.hasPayload ? 2 : (state.handshakeRoundTrip == nil ? 0 : 1)
            return (rank: rank, last: state.lastTimestamp, id: state.info.id)
        }
        candidates.sort { ($0.value.rank, $0.value.last, $0.value.id) < ($1.value.rank, $1.value.last, $1.value.id) }
        var evicted = candidates.prefix(batch).compactMap { table.remove($0.key) }
        evicted.sort { $0.info.id < $1.info.id }
        for index in evicted.indices {
            retire(&evicted[index], reason: .evicted, at: time, packetNumber: packetNumber, handler: &handler)
        }
        evictedConnectionCount += evicted.count
    }

    private func reuseReason(_ connection: TCPConnectionState, at time: Timestamp) -> StreamEndReason {
        time.since(connection.lastTimestamp) > limits.idleTimeout ? .idle : .reused
    }

    private mutating func open<Handler: TCPStreamHandler>(
        for segment: TCPSegment,
        at time: Timestamp,
        packetNumber: Int,
        handler: inout Handler
    ) -> TCPConnectionState {
        let client: Endpoint
        let server: Endpoint
        let roleSource: RoleSource
        if segment.flags.contains(.syn) {
            let isSynAck = segment.flags.contains(.ack)
            client = isSynAck ? segment.destination : segment.source
            server = isSynAck ? segment.source : segment.destination
            roleSource = isSynAck ? .synAck : .handshake
        } else {
            let destinationListens = listeningPorts.contains(segment.destination.port)
            let serverIsDestination: Bool
            if destinationListens != listeningPorts.contains(segment.source.port) {
                serverIsDestination = destinationListens
                roleSource = .listeningPort
            } else {
                serverIsDestination = ServerPortHeuristic.isServer(segment.destination.port, comparedWith: segment.source.port)
                roleSource = .portHeuristic
            }
            client = serverIsDestination ? segment.source : segment.destination
            server = serverIsDestination ? segment.destination : segment.source
        }
        let info = TCPConnectionInfo(
            id: nextConnectionID, client: client, server: server, roleSource: roleSource,
            firstTimestamp: time, firstPacketNumber: packetNumber
        )
        nextConnectionID += 1
        handler.connectionOpened(info)
        return TCPConnectionState(info: info)
    }

    /// Takes the next connection number for a connection of another transport (QUIC), so that TCP and
    /// QUIC connections share one numbering in order of first packet.
    public mutating func allocateConnectionID() -> Int {
        defer { nextConnectionID += 1 }
        return nextConnectionID
    }

    /// Ends what is still open in `connection` (no longer in the table) and publishes its summary.
    private mutating func retire<Handler: TCPStreamHandler>(
        _ connection: inout TCPConnectionState,
        reason: StreamEndReason,
        at time: Timestamp,
        packetNumber: Int,
        handler: inout Handler
    ) {
        connection.finish(reason: reason, at: time, packetNumber: packetNumber, budget: &budget, handler: &handler)
        handler.connectionClosed(connection.summary)
    }

    /// Once per second of capture time, retires connections closed longer than the linger time or idle
    /// longer than the idle timeout.
    private mutating func sweepIfDue<Handler: TCPStreamHandler>(at packetTime: Timestamp, packetNumber: Int, handler: inout Handler) {
        guard let time = clock.advance(to: packetTime) else { return }
        guard let last = lastSweep, time >= last else {
            lastSweep = time
            return
        }
        guard time.since(last) >= .seconds(1) else { return }
        lastSweep = time
        let limits = limits
        let expiredKeys = table.keys { connection in
            if let closedAt = connection.closedAt {
                time.since(closedAt) > limits.closedLinger
            } else {
                time.since(connection.lastTimestamp) > limits.idleTimeout
            }
        }
        var expired = expiredKeys.compactMap { table.remove($0) }
        expired.sort { $0.info.id < $1.info.id }
        for index in expired.indices {
            retire(&expired[index], reason: .idle, at: time, packetNumber: packetNumber, handler: &handler)
        }
    }
}
