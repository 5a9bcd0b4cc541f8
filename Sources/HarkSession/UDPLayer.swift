import HarkCore
import HarkPacket
import HarkReassembly

/// The UDP side of a session: the flow table, and what each flow carries.
struct UDPLayer {
    var flows: UDPFlowTable

    init(limits: UDPFlowLimits) {
        flows = UDPFlowTable(limits: limits)
    }

    /// Takes one datagram. Returns whether an analyzer took it; the caller counts the others as UDP
    /// not analysed.
    mutating func take(_ datagram: UDPDatagram, at time: Timestamp, packetNumber: Int) -> Bool {
        _ = flows.track(datagram, at: time, packetNumber: packetNumber)
        _ = flows.takeEnded()
        return false
    }

    /// Flows seen so far.
    var flowCount: Int { flows.flowsSeen }
}
