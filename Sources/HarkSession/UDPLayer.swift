import HarkCore
import HarkModel
import HarkPacket
import HarkQUIC
import HarkReassembly
import HarkTLS
import NIOCore

/// The UDP side of a session: the flow table, and the QUIC connection of each flow that began with a
/// QUIC long header, or with a short header on port 443 (a capture that began mid-connection: shown,
/// not decrypted). Other flows (DNS, …) are only counted.
struct UDPLayer {
    var flows: UDPFlowTable
    private let keyLog: TLSKeyLog
    private let quicLimits: QUICLimits
    /// What all QUIC connections hold while they wait, shared by reference between their analyzers (on
    /// the session's one thread), as TCP reassembly's `maxBufferedBytesTotal` is between TCP connections:
    /// stream and CRYPTO data behind holes, and HTTP/3 frames held behind field sections that wait for
    /// QPACK inserts. It never makes memory grow past its limit: the stream (or CRYPTO level, or blocked
    /// request stream) whose new bytes would go over it stops waiting instead, its holes given up as gaps;
    /// that is counted (`givenUpCount`, the session's `quicBufferEvictions`) and reported on its
    /// connection.
    let quicBudget: ByteBudget
    /// QUIC connections by flow id.
    private var quic: [Int: QUICConnectionSlot] = [:] {
        didSet { lastQUIC = nil }
    }
    /// Flows whose first datagram was not QUIC.
    private var others = Set<Int>()
    /// Flows whose first sender is the QUIC server: their directions are the other way round.
    private var swappedFlows = Set<Int>() {
        didSet { lastQUIC = nil }
    }
    /// The previous datagram's flow, its QUIC connection and whether the flow is swapped: most datagrams
    /// are on the same flow as the one before, and need no lookup then.
    private var lastQUIC: (flow: Int, slot: QUICConnectionSlot, swapped: Bool)?
    /// Open QUIC connections by the connection IDs their packets carry, with the direction those
    /// packets go: a connection that moved to a new path is found in one lookup per ID length.
    private var byConnectionID: [[UInt8]: (slot: QUICConnectionSlot, direction: Direction)] = [:]
    /// The lengths of those IDs, shortest first (a short header does not say its ID's length).
    private var connectionIDLengths: [Int] = []
    /// What a datagram's QUIC analysis said, kept between datagrams for its capacity.
    private var eventBuffer: [QUICEvent] = []

    init(limits: UDPFlowLimits, quicLimits: QUICLimits, keyLog: TLSKeyLog) {
        flows = UDPFlowTable(limits: limits)
        self.keyLog = keyLog
        self.quicLimits = quicLimits
        quicBudget = ByteBudget(limit: quicLimits.maxBufferedBytesPerSession)
    }

    /// Takes one datagram: opens a QUIC connection for a new flow that starts like one, feeds the
    /// flow's QUIC connection. Returns whether QUIC took it; the caller counts the others as UDP not
    /// analysed.
    mutating func take(
        _ datagram: UDPDatagram, at time: Timestamp, packetNumber: Int, reassembler: inout TCPReassembler, dispatcher: inout some SessionHandler
    ) -> Bool {
        let (flow, direction) = flows.track(datagram, at: time, packetNumber: packetNumber)
        closeEnded(dispatcher: &dispatcher)
        let slot: QUICConnectionSlot
        if let last = lastQUIC, last.flow == flow.id {
            slot = last.slot
        } else if let existing = quic[flow.id] {
            slot = existing
        } else if let (moved, movedDirection) = connection(movedTo: datagram) {
            // A connection on a new path (a NAT rebinding, a migration): same connection IDs, new 4-tuple.
            slot = moved
            slot.flows &+= 1
            quic[flow.id] = slot
            if movedDirection != direction { swappedFlows.insert(flow.id) }
        } else {
            let startsConnection = QUICConnectionAnalyzer.looksLikeQUIC(datagram.payload)
            let joinsConnection =
                !startsConnection && QUICConnectionAnalyzer.looksLikeShortHeader(datagram.payload)
                && (flow.client.port == Self.quicPort || flow.server.port == Self.quicPort)
            guard !others.contains(flow.id), startsConnection || joinsConnection else {
                others.insert(flow.id)
                return false
            }
            // Joined mid-connection, the server is the side on port 443.
            let swapped = joinsConnection && flow.client.port == Self.quicPort && flow.server.port != Self.quicPort
            let info = TCPConnectionInfo(
                id: reassembler.allocateConnectionID(), client: swapped ? flow.server : flow.client,
                server: swapped ? flow.client : flow.server, roleSource: startsConnection ? .handshake : .portHeuristic,
                firstTimestamp: time, firstPacketNumber: packetNumber)
            var analyzer = QUICConnectionAnalyzer(keyLog: keyLog, limits: quicLimits)
            analyzer.packetClock = dispatcher.packetClock
            analyzer.bufferBudget = quicBudget
            slot = QUICConnectionSlot(info: info, analyzer: analyzer)
            quic[flow.id] = slot
            if swapped { swappedFlows.insert(flow.id) }
            dispatcher.quicConnectionOpened(info)
        }
        // Events are handled once the analyzer is done with the datagram: handling reads its summary.
        // Both note the datagram's packet number (stream data carries its own).
        // The buffer of the previous datagram, emptied: no allocation per datagram.
        var events = eventBuffer
        eventBuffer = []
        defer {
            events.removeAll(keepingCapacity: true)
            eventBuffer = events
        }
        let swapped: Bool
        if let last = lastQUIC, last.flow == flow.id { swapped = last.swapped } else { swapped = swappedFlows.contains(flow.id) }
        lastQUIC = (flow.id, slot, swapped)
        let quicDirection = swapped ? direction.reversed : direction
        let clock = dispatcher.packetClock
        clock.with(packetNumber) {
            slot.analyzer.receive(datagram.payload, from: quicDirection, at: time) { events.append($0) }
            for event in events { dispatcher.handle(event, slot: slot) }
        }
        if slot.analyzer.summary.connectionIDs != slot.indexedConnectionIDs { index(slot) }
        return true
    }

    /// Ends the flows idle at `now`.
    mutating func expire(now: Timestamp, dispatcher: inout some SessionHandler) {
        flows.expire(now: now)
        closeEnded(dispatcher: &dispatcher)
    }

    /// Ends every flow: the capture is over.
    mutating func finish(dispatcher: inout some SessionHandler) {
        for flow in flows.finish() { close(flow, dispatcher: &dispatcher) }
    }

    /// The port QUIC is recognised on without its handshake (HTTPS over UDP).
    static let quicPort: UInt16 = 443

    /// Flows seen so far.
    var flowCount: Int { flows.flowsSeen }

    private mutating func closeEnded(dispatcher: inout some SessionHandler) {
        for flow in flows.takeEnded() { close(flow, dispatcher: &dispatcher) }
    }

    private mutating func close(_ flow: UDPFlow, dispatcher: inout some SessionHandler) {
        others.remove(flow.id)
        let swapped = swappedFlows.remove(flow.id) != nil
        guard let slot = quic.removeValue(forKey: flow.id) else { return }
        slot.add(flow, swapped: swapped)
        slot.flows &-= 1
        // A connection that moved to other paths closes with its last one.
        guard slot.flows == 0 else { return }
        for direction in [Direction.clientToServer, .serverToClient] {
            for id in slot.analyzer.connectionIDs(goingTo: direction) where byConnectionID[id]?.slot === slot {
                byConnectionID[id] = nil
            }
        }
        dispatcher.quicConnectionClosed(slot)
    }

    /// Adds the connection IDs a connection showed since it was last indexed (an ID another open
    /// connection already uses stays with that one).
    private mutating func index(_ slot: QUICConnectionSlot) {
        slot.indexedConnectionIDs = slot.analyzer.summary.connectionIDs
        for direction in [Direction.clientToServer, .serverToClient] {
            for id in slot.analyzer.connectionIDs(goingTo: direction) where byConnectionID[id] == nil {
                byConnectionID[id] = (slot, direction)
                if !connectionIDLengths.contains(id.count) {
                    connectionIDLengths.append(id.count)
                    connectionIDLengths.sort()
                }
            }
        }
    }

    /// The open QUIC connection a short-header datagram of a new flow belongs to, by its connection ID,
    /// with the direction the datagram goes on it.
    private func connection(movedTo datagram: UDPDatagram) -> (QUICConnectionSlot, Direction)? {
        guard QUICConnectionAnalyzer.looksLikeShortHeader(datagram.payload) else { return nil }
        let bytes = datagram.payload.readableBytesView
        for length in connectionIDLengths where bytes.count > length {
            if let found = byConnectionID[Array(bytes.dropFirst().prefix(length))] { return (found.slot, found.direction) }
        }
        return nil
    }
}
