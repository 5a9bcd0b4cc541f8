public import HarkCore
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
/// once it has been closed for `ReassemblyLimits.closedLinger` or idle for `idleTimeout`.
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
    private var table: [ConnectionKey: TCPConnectionState] = [:]
    private var nextConnectionID = 0
    /// Out-of-order bytes all connections may still buffer.
    private var budget: Int
    private var lastSweep: Timestamp?
    /// Capture time as the sweep sees it, immune to one-off jumps (see `SweepClock`).
    private var clock = SweepClock()
    private var lastTimestamp: Timestamp?
    private var lastPacketNumber = 0

    public init(limits: ReassemblyLimits = ReassemblyLimits()) {
        self.limits = limits
        self.budget = limits.maxBufferedBytesTotal
    }

    /// Connections currently tracked (open, or closed and lingering).
    public var trackedConnectionCount: Int { table.count }

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
        let connection: TCPConnectionState
        if let existing = table[key], !startsNewLifetime(segment, on: existing, at: time) {
            connection = existing
        } else {
            if let previous = table.removeValue(forKey: key) {
                retire(previous, reason: previous.closedAt == nil ? reuseReason(previous, at: time) : .fin, at: time, packetNumber: packetNumber, handler: &handler)
            }
            connection = open(for: segment, at: time, packetNumber: packetNumber, handler: &handler)
            table[key] = connection
        }
        connection.receive(segment, at: time, packetNumber: packetNumber, limits: limits, budget: &budget, handler: &handler)
    }

    /// Ends every tracked connection at the end of the capture and publishes their summaries in
    /// connection order.
    public mutating func finish<Handler: TCPStreamHandler>(handler: inout Handler) {
        let time = lastTimestamp ?? Timestamp(nanoseconds: 0)
        for connection in table.values.sorted(by: { $0.info.id < $1.info.id }) {
            retire(connection, reason: .endOfCapture, at: time, packetNumber: lastPacketNumber, handler: &handler)
        }
        table.removeAll()
    }

    // MARK: - Lifetimes

    /// Whether `segment` begins a new connection on the 4-tuple of `existing`.
    ///
    /// After a long idle period a segment that still fits the connection's sequence space continues it
    /// (a quiet keep-alive connection, or one bogus timestamp); one that does not starts a new one.
    private func startsNewLifetime(_ segment: TCPSegment, on existing: TCPConnectionState, at time: Timestamp) -> Bool {
        if time.since(existing.lastTimestamp) > limits.idleTimeout, !existing.fitsSequenceSpace(segment) {
            return true
        }
        let isSyn = segment.flags.contains(.syn) && !segment.flags.contains(.ack)
        guard isSyn else { return false }
        if existing.closedAt != nil {
            return true
        }
        // A SYN from the server side, or with a new sequence number after data flowed: a new conversation.
        if existing.direction(from: segment.source) == .serverToClient {
            return existing.hasPayload
        }
        if let known = existing.clientInitialSequence {
            return known != segment.sequenceNumber && existing.hasPayload
        }
        return existing.hasPayload
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
            let serverIsDestination = ServerPortHeuristic.isServer(segment.destination.port, comparedWith: segment.source.port)
            client = serverIsDestination ? segment.source : segment.destination
            server = serverIsDestination ? segment.destination : segment.source
            roleSource = .portHeuristic
        }
        let info = TCPConnectionInfo(
            id: nextConnectionID, client: client, server: server, roleSource: roleSource,
            firstTimestamp: time, firstPacketNumber: packetNumber
        )
        nextConnectionID += 1
        handler.connectionOpened(info)
        return TCPConnectionState(info: info)
    }

    /// Ends what is still open in `connection` and publishes its summary.
    private mutating func retire<Handler: TCPStreamHandler>(
        _ connection: TCPConnectionState,
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
        var expired: [TCPConnectionState] = []
        for connection in table.values {
            if let closedAt = connection.closedAt {
                if time.since(closedAt) > limits.closedLinger { expired.append(connection) }
            } else if time.since(connection.lastTimestamp) > limits.idleTimeout {
                expired.append(connection)
            }
        }
        for connection in expired.sorted(by: { $0.info.id < $1.info.id }) {
            table.removeValue(forKey: ConnectionKey(source: connection.info.client, destination: connection.info.server))
            retire(connection, reason: .idle, at: time, packetNumber: packetNumber, handler: &handler)
        }
    }
}
