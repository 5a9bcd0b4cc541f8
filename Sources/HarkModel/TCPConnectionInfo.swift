public import HarkCore

/// How reassembly decided which side of a connection is the client.
public enum RoleSource: String, Hashable, Sendable {
    /// From the SYN: the sender of the SYN is the client. For QUIC: the sender of the first Initial.
    case handshake
    /// From a SYN-ACK whose SYN was not captured: its receiver is the client.
    case synAck = "syn_ack"
    /// The capture started mid-connection; the server is the side with the well-known or lower port.
    case portHeuristic = "port_heuristic"
    /// A live capture started mid-connection; the server is the side whose port was listening on this
    /// machine when the capture began.
    case listeningPort = "listening_port"
    /// The capture started after a WebSocket upgrade: the client is the side whose frames are masked
    /// (RFC 6455 §5.1), whatever the ports said.
    case webSocketMasking = "websocket_masking"
}

/// Why one direction of a stream ended.
public enum StreamEndReason: String, Hashable, Sendable {
    /// The sender's FIN was reached: every byte before it was delivered (or reported as a gap).
    case fin
    /// A RST aborted the connection.
    case reset
    /// No packet for longer than the idle timeout.
    case idle
    /// The capture ended with the direction still open.
    case endOfCapture
    /// The 4-tuple was reused by a new connection (a new SYN) before this one closed.
    case reused
    /// Reassembly stopped tracking the connection to make room for new ones: more connections were
    /// open at once than its budget allows (a SYN flood, a port scan).
    case evicted
}

/// A new connection, as first seen.
public struct TCPConnectionInfo: Hashable, Sendable {
    /// 0-based, in order of first packet, TCP and QUIC connections together: for a capture without QUIC
    /// the same numbering as tshark's `tcp.stream`.
    public var id: Int
    /// The side that opened the connection.
    public var client: Endpoint
    /// The side that accepted it.
    public var server: Endpoint
    /// How the roles were decided.
    public var roleSource: RoleSource
    /// Capture time of the first packet.
    public var firstTimestamp: Timestamp
    /// The 1-based capture number of the first packet.
    public var firstPacketNumber: Int

    public init(id: Int, client: Endpoint, server: Endpoint, roleSource: RoleSource, firstTimestamp: Timestamp, firstPacketNumber: Int) {
        self.id = id
        self.client = client
        self.server = server
        self.roleSource = roleSource
        self.firstTimestamp = firstTimestamp
        self.firstPacketNumber = firstPacketNumber
    }
}

/// Counters for one direction of a connection.
public struct DirectionStatistics: Hashable, Sendable {
    /// Packets sent in this direction.
    public var packets = 0
    /// TCP payload bytes on the wire, retransmissions included.
    public var payloadBytes: Int64 = 0
    /// Unique bytes delivered in order to the stream consumer.
    public var deliveredBytes: Int64 = 0
    /// Segments that repeated bytes already delivered or buffered.
    public var retransmissions = 0
    /// Segments that arrived beyond a hole.
    public var outOfOrder = 0
    /// Holes reported as gaps, and their total size.
    public var gaps = 0
    public var gapBytes: Int64 = 0
    /// Retransmitted bytes that differed from the first copy.
    public var overlapConflicts = 0
    /// Duplicate ACKs sent in this direction.
    public var duplicateAcks = 0
    /// Zero-window advertisements sent in this direction.
    public var zeroWindows = 0
    /// Segments that filled the peer's advertised window.
    public var windowFull = 0

    public init() {}
}

/// Everything known about a connection once it is over.
public struct TCPConnectionSummary: Hashable, Sendable {
    /// Identity and roles.
    public var info: TCPConnectionInfo
    /// Capture time of the last packet.
    public var lastTimestamp: Timestamp
    /// Client→server counters.
    public var clientToServer: DirectionStatistics
    /// Server→client counters.
    public var serverToClient: DirectionStatistics
    /// SYN to the ACK of the SYN-ACK, when the whole handshake was captured.
    public var handshakeRoundTrip: TimeSpan?
    /// SYNs sent again.
    public var synRetransmissions: Int
    /// How each direction ended.
    public var clientEnd: StreamEndReason
    public var serverEnd: StreamEndReason
    /// Which side sent the first RST, if any.
    public var resetBy: Direction?

    public init(
        info: TCPConnectionInfo, lastTimestamp: Timestamp, clientToServer: DirectionStatistics,
        serverToClient: DirectionStatistics, handshakeRoundTrip: TimeSpan?, synRetransmissions: Int,
        clientEnd: StreamEndReason, serverEnd: StreamEndReason, resetBy: Direction?
    ) {
        self.info = info
        self.lastTimestamp = lastTimestamp
        self.clientToServer = clientToServer
        self.serverToClient = serverToClient
        self.handshakeRoundTrip = handshakeRoundTrip
        self.synRetransmissions = synRetransmissions
        self.clientEnd = clientEnd
        self.serverEnd = serverEnd
        self.resetBy = resetBy
    }

    /// Statistics for one direction.
    public func statistics(_ direction: Direction) -> DirectionStatistics {
        direction == .clientToServer ? clientToServer : serverToClient
    }

    /// How the connection ended, in a word: `fin`, `rst-client`, `rst-server`, `idle`, `open`, `reused`,
    /// `evicted`.
    public var endDescription: String {
        if let resetBy { return resetBy == .clientToServer ? "rst-client" : "rst-server" }
        switch (clientEnd, serverEnd) {
        case (.evicted, _), (_, .evicted): return "evicted"
        case (.fin, .fin): return "fin"
        case (.idle, _), (_, .idle): return "idle"
        case (.reused, _), (_, .reused): return "reused"
        case (.fin, _), (_, .fin): return "half-closed"
        default: return "open"
        }
    }
}
