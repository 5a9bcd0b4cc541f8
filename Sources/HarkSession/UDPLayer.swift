import HarkCore
import HarkModel
import HarkPacket
import HarkQUIC
import HarkReassembly
import HarkTLS

/// The UDP side of a session: the flow table, and the QUIC connection of each flow that began with a
/// QUIC long header, or with a short header on port 443 (a capture that began mid-connection: shown,
/// not decrypted). Other flows (DNS, …) are only counted.
struct UDPLayer {
    var flows: UDPFlowTable
    private let keyLog: TLSKeyLog
    /// QUIC connections by flow id.
    private var quic: [Int: QUICConnectionSlot] = [:]
    /// Flows whose first datagram was not QUIC.
    private var others = Set<Int>()
    /// Flows whose first sender is the QUIC server: their directions are the other way round.
    private var swappedFlows = Set<Int>()

    init(limits: UDPFlowLimits, keyLog: TLSKeyLog) {
        flows = UDPFlowTable(limits: limits)
        self.keyLog = keyLog
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
        if let existing = quic[flow.id] {
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
            slot = QUICConnectionSlot(info: info, analyzer: QUICConnectionAnalyzer(keyLog: keyLog))
            quic[flow.id] = slot
            if swapped { swappedFlows.insert(flow.id) }
            dispatcher.quicConnectionOpened(info)
        }
        // Events are handled once the analyzer is done with the datagram: handling reads its summary.
        var events: [QUICEvent] = []
        let quicDirection = swappedFlows.contains(flow.id) ? direction.reversed : direction
        slot.analyzer.receive(datagram.payload, from: quicDirection, at: time) { events.append($0) }
        for event in events { dispatcher.handle(event, slot: slot) }
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
        if slot.flows == 0 { dispatcher.quicConnectionClosed(slot) }
    }

    /// The open QUIC connection a short-header datagram of a new flow belongs to, by its connection ID,
    /// with the direction the datagram goes on it.
    private func connection(movedTo datagram: UDPDatagram) -> (QUICConnectionSlot, Direction)? {
        guard QUICConnectionAnalyzer.looksLikeShortHeader(datagram.payload) else { return nil }
        for slot in quic.values {
            if let direction = slot.analyzer.direction(ofShortHeader: datagram.payload) { return (slot, direction) }
        }
        return nil
    }
}
