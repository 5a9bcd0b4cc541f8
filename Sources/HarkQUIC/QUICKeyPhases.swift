/// One direction's 1-RTT keys across key updates (RFC 9001 §6): the keys of the current phase, those of
/// the phase before it, and those of the next one once asked for.
///
/// A packet's keys are chosen by its Key Phase bit and its packet number, never by time: a packet whose
/// bit differs from the current phase's and whose number is lower than every packet of the current phase
/// was sent before the update and arrived late (RFC 9001 §6.5), so it is opened with the previous keys;
/// one with a higher number starts the next phase. A sender never uses old keys after new ones, so the
/// previous keys are needed until the next update replaces them.
///
/// A class: every 1-RTT packet reads it, and a reference is one retain where the struct's fields were
/// copied out and back.
final class QUICKeyPhases {
    /// Which keys a packet is opened with.
    enum Choice {
        case current, previous, next
    }

    // None of these is checked for exclusive access at run time (each is read for every 1-RTT packet,
    // and the check costs more than the read): only this class's own methods change them, one at a time,
    // on the connection's thread.
    @exclusivity(unchecked) private(set) var current: QUICPacketKeys
    /// The Key Phase bit of the current phase.
    @exclusivity(unchecked) private(set) var phase: Bool
    /// The lowest packet number opened with the current keys; nil before the first.
    @exclusivity(unchecked) private(set) var firstPacket: UInt64?
    @exclusivity(unchecked) private var previous: QUICPacketKeys?
    /// The next phase's keys, derived when a packet first needs them and kept if it does not open.
    @exclusivity(unchecked) private var upcoming: QUICPacketKeys?

    /// Starts at key phase 0 with the keys from `*_TRAFFIC_SECRET_0`.
    init(_ keys: QUICPacketKeys) {
        current = keys
        phase = false
    }

    /// The keys for a packet with Key Phase bit `bit` and (reconstructed) number `packetNumber`.
    func choose(bit: Bool, packetNumber: UInt64) -> Choice {
        if bit == phase { return .current }
        if previous != nil, let firstPacket, packetNumber < firstPacket { return .previous }
        return .next
    }

    /// The keys `choice` stands for (the next phase's derived on first use).
    func keys(_ choice: Choice) -> QUICPacketKeys {
        switch choice {
        case .current: return current
        case .previous: return previous ?? current
        case .next:
            if let upcoming { return upcoming }
            let next = current.next()
            upcoming = next
            return next
        }
    }

    /// Notes that packet `packetNumber` opened with `choice`'s keys; returns whether that was a key update.
    func opened(_ choice: Choice, packetNumber: UInt64) -> Bool {
        switch choice {
        case .previous:
            return false
        case .current:
            if firstPacket.map({ packetNumber < $0 }) ?? true { firstPacket = packetNumber }
            return false
        case .next:
            previous = current
            current = keys(.next)
            upcoming = nil
            phase.toggle()
            firstPacket = packetNumber
            return true
        }
    }
}
