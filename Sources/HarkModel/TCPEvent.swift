public import HarkCore

/// Something TCP did that explains what a user sees: setup, teardown, loss and flow-control trouble.
///
/// Events are reported as they happen, in capture order, so a trace can interleave them with HTTP
/// messages ("blame the network").
public struct TCPEvent: Hashable, Sendable {
    /// What happened.
    public enum Kind: Hashable, Sendable {
        /// The client's SYN.
        case syn
        /// The client sent its SYN again (same or new initial sequence number).
        case synRetransmission
        /// The server's SYN-ACK.
        case synAck
        /// The client acknowledged the SYN-ACK: the handshake took `roundTrip` from SYN to that ACK.
        case handshakeComplete(roundTrip: TimeSpan)
        /// Payload already delivered (or already buffered) was sent again.
        case retransmission(length: Int)
        /// Payload arrived beyond a hole and was buffered.
        case outOfOrder(length: Int)
        /// Retransmitted or overlapping bytes differ from the ones first seen; the first copy was kept.
        case overlapConflict(offset: Int64, length: Int)
        /// A pure ACK repeated the previous acknowledgment while data was outstanding.
        case duplicateAck
        /// The receiver advertised a zero window: the sender must stop.
        case zeroWindow
        /// The sender filled the receiver's whole advertised window.
        case windowFull
        /// A keep-alive probe (one old byte or none, just below the next sequence number).
        case keepAlive
        /// `length` bytes were never captured in this direction; they are delivered as a gap.
        case gap(length: Int)
        /// A FIN: this direction will send no more data.
        case fin
        /// A RST: the connection was aborted.
        case reset
    }

    /// The connection, as numbered by reassembly (0-based, in order of first packet).
    public var connectionID: Int
    /// The direction of the packet that showed the event.
    public var direction: Direction
    /// Capture time of that packet.
    public var timestamp: Timestamp
    /// The 1-based number of that packet in the capture.
    public var packetNumber: Int
    /// What happened.
    public var kind: Kind

    public init(connectionID: Int, direction: Direction, timestamp: Timestamp, packetNumber: Int, kind: Kind) {
        self.connectionID = connectionID
        self.direction = direction
        self.timestamp = timestamp
        self.packetNumber = packetNumber
        self.kind = kind
    }
}
