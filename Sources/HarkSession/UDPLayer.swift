import HarkCore
import HarkModel
import HarkPacket
import HarkQUIC
import HarkReassembly
import HarkTLS

/// The UDP side of a session: the flow table, and the QUIC connection of each flow that began with a
/// QUIC long header. Other flows (DNS, …) are only counted.
struct UDPLayer {
    var flows: UDPFlowTable
    private let keyLog: TLSKeyLog
    /// QUIC connections by flow id.
    private var quic: [Int: QUICConnectionSlot] = [:]
    /// Flows whose first datagram was not QUIC.
    private var others = Set<Int>()

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
        } else {
            guard !others.contains(flow.id), QUICConnectionAnalyzer.looksLikeQUIC(datagram.payload) else {
                others.insert(flow.id)
                return false
            }
            let info = TCPConnectionInfo(
                id: reassembler.allocateConnectionID(), client: flow.client, server: flow.server, roleSource: .handshake,
                firstTimestamp: time, firstPacketNumber: packetNumber)
            slot = QUICConnectionSlot(info: info, analyzer: QUICConnectionAnalyzer(keyLog: keyLog))
            quic[flow.id] = slot
            dispatcher.quicConnectionOpened(info)
        }
        // Events are handled once the analyzer is done with the datagram: handling reads its summary.
        var events: [QUICEvent] = []
        slot.analyzer.receive(datagram.payload, from: direction, at: time) { events.append($0) }
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

    /// Flows seen so far.
    var flowCount: Int { flows.flowsSeen }

    private mutating func closeEnded(dispatcher: inout some SessionHandler) {
        for flow in flows.takeEnded() { close(flow, dispatcher: &dispatcher) }
    }

    private mutating func close(_ flow: UDPFlow, dispatcher: inout some SessionHandler) {
        others.remove(flow.id)
        guard let slot = quic.removeValue(forKey: flow.id) else { return }
        dispatcher.quicConnectionClosed(slot, flow: flow)
    }
}
