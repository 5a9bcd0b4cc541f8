public import HarkCore
public import HarkModel
public import NIOCore

/// Receives what reassembly produces: each connection's in-order bytes per direction, gaps, ends, TCP
/// events and a summary when the connection is over.
///
/// Calls arrive in capture order. `deliver` hands a slice of capture storage for in-order segments:
/// copy what you keep. Every method but `deliver` has an empty default, so a handler implements only what
/// it needs; `deliver` has none, so that a handler whose `deliver` no longer matches the requirement
/// fails to compile instead of silently receiving nothing.
public protocol TCPStreamHandler {
    /// A connection was seen for the first time.
    mutating func connectionOpened(_ connection: TCPConnectionInfo)
    /// In-order bytes of one direction, with the capture time and number of the packet that brought
    /// them (a packet held behind a hole keeps its own).
    mutating func deliver(_ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp, packetNumber: Int)
    /// `length` bytes of one direction were never captured (Zeek's `Undelivered`).
    mutating func gap(_ length: Int, connection: Int, direction: Direction, at time: Timestamp)
    /// One direction is over; no more bytes will come for it.
    mutating func streamEnded(connection: Int, direction: Direction, reason: StreamEndReason, at time: Timestamp)
    /// Not one packet of `direction` was captured (a one-sided capture); called just before its end.
    mutating func directionNotCaptured(connection: Int, direction: Direction)
    /// A TCP-level event, for traces and statistics.
    mutating func tcpEvent(_ event: TCPEvent)
    /// The connection is over and no packet will be attributed to it any more.
    mutating func connectionClosed(_ summary: TCPConnectionSummary)
    /// Whether `packet(_:)` is wanted; checked once per packet, so keep it a stored value.
    var wantsPacketFacts: Bool { get }
    /// One packet of a connection, after the events it showed (only when `wantsPacketFacts`).
    mutating func packet(_ fact: PacketFact)
}

extension TCPStreamHandler {
    public mutating func connectionOpened(_ connection: TCPConnectionInfo) {}
    public mutating func gap(_ length: Int, connection: Int, direction: Direction, at time: Timestamp) {}
    public mutating func streamEnded(connection: Int, direction: Direction, reason: StreamEndReason, at time: Timestamp) {}
    public mutating func directionNotCaptured(connection: Int, direction: Direction) {}
    public mutating func tcpEvent(_ event: TCPEvent) {}
    public mutating func connectionClosed(_ summary: TCPConnectionSummary) {}
    public var wantsPacketFacts: Bool { false }
    public mutating func packet(_ fact: PacketFact) {}
}
