import HarkModel

/// Collects the kinds of the TCP events one packet shows, which reassembly reports before the packet's
/// fact, so that the fact can carry them.
struct PendingPacketKinds {
    private var connectionID = -1
    private var packetNumber = -1
    private var kinds: PacketKinds = []

    /// Adds an event's kind; an event of another packet or connection starts over.
    mutating func note(_ event: TCPEvent) {
        if event.connectionID != connectionID || event.packetNumber != packetNumber {
            connectionID = event.connectionID
            packetNumber = event.packetNumber
            kinds = []
        }
        kinds.formUnion(PacketKinds(event.kind))
    }

    /// The kinds collected for `fact`'s packet, which are then cleared.
    mutating func take(for fact: PacketFact) -> PacketKinds {
        guard fact.connectionID == connectionID, fact.packetNumber == packetNumber else { return [] }
        defer { kinds = [] }
        return kinds
    }
}
