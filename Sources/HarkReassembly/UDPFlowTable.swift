public import HarkCore
public import HarkModel
public import HarkPacket

/// One UDP flow: the datagrams between two endpoints, in both directions, until it goes idle.
public struct UDPFlow: Hashable, Sendable {
    /// 0-based, in order of first datagram (tshark's `udp.stream` for the datagrams that are tracked).
    public var id: Int
    /// The sender of the first datagram seen.
    public var client: Endpoint
    /// The receiver of the first datagram seen.
    public var server: Endpoint
    /// Capture time of the first and of the latest datagram.
    public var firstTimestamp: Timestamp
    public var lastTimestamp: Timestamp
    /// The 1-based capture number of the first datagram.
    public var firstPacketNumber: Int
    /// Datagrams and payload bytes the client sent.
    public var clientToServer = DirectionStatistics()
    /// Datagrams and payload bytes the server sent.
    public var serverToClient = DirectionStatistics()
    /// Why the flow ended: `idle`, `evicted` or `endOfCapture`; nil while it is tracked.
    public var endReason: StreamEndReason?
}

/// Tracks UDP flows by 4-tuple, bounded in number and ended by idleness.
///
/// UDP has no handshake: the first sender seen is the flow's client. A flow is over once no datagram
/// came for `UDPFlowLimits.idleTimeout` of capture time; a flow table holding `maxTrackedFlows` ends its
/// least recently active tenth before tracking a new one. Ended flows come out of `track`, `expire`
/// and `finish` for the caller to close whatever it keeps per flow.
///
/// ### Example
/// ```swift
/// var flows = UDPFlowTable()
/// let (flow, direction) = flows.track(datagram, at: time, packetNumber: number)
/// for ended in flows.takeEnded() { close(ended) }
/// ```
public struct UDPFlowTable: Sendable {
    public let limits: UDPFlowLimits
    private var flows: [FlowKey: UDPFlow] = [:] {
        // Any change to the table may move its entries: the remembered index is then stale.
        didSet { lastFlow = nil }
    }
    /// The flow of the previous datagram and where it is in `flows`: most datagrams belong to the same
    /// flow as the one before, found again without hashing the 4-tuple.
    private var lastFlow: (key: FlowKey, index: Dictionary<FlowKey, UDPFlow>.Index)?
    private var nextID = 0
    private var clock = SweepClock()
    private var lastSweep: Timestamp?
    /// Flows ended since the last `takeEnded()`.
    private var ended: [UDPFlow] = []
    /// Flows ended to make room, over the whole capture.
    public private(set) var evictedFlowCount = 0

    public init(limits: UDPFlowLimits = UDPFlowLimits()) {
        self.limits = limits
    }

    /// How many flows are tracked now.
    public var count: Int { flows.count }

    /// How many flows were started, over the whole capture.
    public var flowsSeen: Int { nextID }

    /// Counts `datagram` on its flow, starting one when its 4-tuple has none (or had one that went idle).
    ///
    /// - Returns: the flow as updated, and the datagram's direction on it.
    public mutating func track(_ datagram: UDPDatagram, at time: Timestamp, packetNumber: Int) -> (flow: UDPFlow, direction: Direction) {
        sweep(at: time)
        let key = FlowKey(datagram.source, datagram.destination)
        // At most one hash lookup for a datagram of a flow that is tracked (none when the previous
        // datagram was on the same flow): the flow is counted in place.
        let found = lastFlow.flatMap { $0.key == key ? $0.index : nil } ?? flows.index(forKey: key)
        if let index = found {
            // Checked and counted in place (reading a field through the values' subscript copies the flow).
            if let direction = Self.countIfActive(datagram, at: time, idleTimeout: limits.idleTimeout, on: &flows.values[index]) {
                lastFlow = (key, index)
                return (flows.values[index], direction)
            }
            var idle = flows.remove(at: index).value
            idle.endReason = .idle
            ended.append(idle)
        }
        if flows.count >= limits.maxTrackedFlows { evict() }
        var flow = UDPFlow(
            id: nextID, client: datagram.source, server: datagram.destination, firstTimestamp: time,
            lastTimestamp: time, firstPacketNumber: packetNumber)
        nextID += 1
        let direction = Self.count(datagram, at: time, on: &flow)
        flows[key] = flow
        return (flow, direction)
    }

    /// Counts `datagram` on `flow` unless the flow was idle for longer than `idleTimeout` (then nil).
    private static func countIfActive(_ datagram: UDPDatagram, at time: Timestamp, idleTimeout: TimeSpan, on flow: inout UDPFlow) -> Direction? {
        guard time.since(flow.lastTimestamp) <= idleTimeout else { return nil }
        return count(datagram, at: time, on: &flow)
    }

    /// Counts `datagram` on `flow`; returns its direction.
    private static func count(_ datagram: UDPDatagram, at time: Timestamp, on flow: inout UDPFlow) -> Direction {
        let direction: Direction = datagram.source == flow.client ? .clientToServer : .serverToClient
        if time > flow.lastTimestamp { flow.lastTimestamp = time }
        let bytes = Int64(datagram.payloadLength)
        if direction == .clientToServer {
            flow.clientToServer.packets += 1
            flow.clientToServer.payloadBytes += bytes
        } else {
            flow.serverToClient.packets += 1
            flow.serverToClient.payloadBytes += bytes
        }
        return direction
    }

    /// Ends the flows idle at `now` (a live capture's clock when no datagram comes).
    public mutating func expire(now: Timestamp) {
        sweep(at: now)
    }

    /// The flows that ended since the last call, in the order they ended.
    public mutating func takeEnded() -> [UDPFlow] {
        defer { ended.removeAll() }
        return ended
    }

    /// Ends every flow: the capture is over. Returns them with any ended flow not yet taken, in id order
    /// for those still open.
    public mutating func finish() -> [UDPFlow] {
        ended += flows.values.sorted { $0.id < $1.id }.map { flow in
            var flow = flow
            flow.endReason = .endOfCapture
            return flow
        }
        flows.removeAll()
        return takeEnded()
    }

    /// Ends idle flows, at most once per second of capture time.
    private mutating func sweep(at time: Timestamp) {
        guard let now = clock.advance(to: time) else { return }
        if let lastSweep, now.since(lastSweep) < .seconds(1) { return }
        lastSweep = now
        let idle = flows.filter { now.since($0.value.lastTimestamp) > limits.idleTimeout }
        for (key, flow) in idle.sorted(by: { $0.value.id < $1.value.id }) {
            var flow = flow
            flow.endReason = .idle
            ended.append(flow)
            flows[key] = nil
        }
    }

    /// Ends the least recently active tenth of the flows (at least one).
    private mutating func evict() {
        let count = max(1, flows.count / 10)
        let oldest = flows.sorted { ($0.value.lastTimestamp, $0.value.id) < ($1.value.lastTimestamp, $1.value.id) }.prefix(count)
        for (key, flow) in oldest {
            var flow = flow
            flow.endReason = .evicted
            ended.append(flow)
            flows[key] = nil
        }
        evictedFlowCount += count
    }
}

/// A 4-tuple whichever way a datagram travels: the smaller endpoint first.
private struct FlowKey: Hashable, Sendable {
    var low: Endpoint
    var high: Endpoint

    init(_ a: Endpoint, _ b: Endpoint) {
        if a < b { (low, high) = (a, b) } else { (low, high) = (b, a) }
    }
}
