import HarkCore
import HarkPacket

extension TCPConnectionState {
    /// Whether `segment` begins a new connection on this connection's 4-tuple.
    ///
    /// After a long idle period a segment that still fits the connection's sequence space continues it
    /// (a quiet keep-alive connection, or one bogus timestamp); one that does not starts a new one.
    func startsNewLifetime(_ segment: TCPSegment, at time: Timestamp, limits: ReassemblyLimits) -> Bool {
        if time.since(lastTimestamp) > limits.idleTimeout, !fitsSequenceSpace(segment) {
            return true
        }
        let isSyn = segment.flags.contains(.syn) && !segment.flags.contains(.ack)
        guard isSyn else { return false }
        if closedAt != nil {
            return true
        }
        // A SYN from the server side, or with a new sequence number after data flowed: a new conversation.
        if direction(from: segment.source) == .serverToClient {
            return hasPayload
        }
        if let known = clientInitialSequence {
            return known != segment.sequenceNumber && hasPayload
        }
        return hasPayload
    }

    /// Whether `segment` plausibly belongs to this connection by its numbers: its sequence number lies
    /// near the next expected one of its direction, or it acknowledges bytes near the other's.
    func fitsSequenceSpace(_ segment: TCPSegment) -> Bool {
        let direction = direction(from: segment.source)
        let own = direction == .clientToServer ? client : server
        let peer = direction == .clientToServer ? server : client
        let window: Int64 = 1 << 24
        if own.isAnchored {
            return abs(own.offset(of: segment.sequenceNumber) - own.nextOffset) < window
        }
        if peer.isAnchored, segment.flags.contains(.ack) {
            return abs(peer.offset(of: segment.acknowledgmentNumber) - peer.nextOffset) < window
        }
        return false
    }
}
