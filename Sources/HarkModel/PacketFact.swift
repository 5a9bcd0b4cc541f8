public import HarkCore

/// One TCP packet of a connection, as a timeline draws it: when, which way, its control bits, sizes,
/// sequence numbers and window, and what TCP analysis made of it.
///
/// Reported only to observers that ask (`SessionObserver.wantsPacketFacts`): producing one costs a few
/// field copies per packet, which `har`, `trace` and `stats` do not pay.
public struct PacketFact: Hashable, Sendable {
    /// The connection (as numbered by reassembly).
    public var connectionID: Int
    /// Which way the packet went.
    public var direction: Direction
    /// Capture time.
    public var timestamp: Timestamp
    /// The 1-based number of the packet in the capture.
    public var packetNumber: Int
    /// The TCP control bits.
    public var flags: TCPFlags
    /// TCP payload bytes carried (as captured on the wire, retransmitted bytes included).
    public var payloadLength: Int
    /// The sequence number as sent.
    public var sequenceNumber: UInt32
    /// The acknowledgment number as sent (meaningful with the ACK flag).
    public var acknowledgmentNumber: UInt32
    /// The sequence number as an offset in the sender's byte stream (0 is its first data byte), once the
    /// stream's start is known; nil before.
    public var relativeSequence: Int64?
    /// The acknowledgment as an offset in the peer's byte stream, once that stream's start is known and
    /// the ACK flag is set; nil otherwise.
    public var relativeAcknowledgment: Int64?
    /// The window field as sent.
    public var window: UInt16
    /// The window in bytes, scaled when both SYNs agreed on window scaling; nil when the scale is
    /// unknown (the handshake was not captured).
    public var scaledWindow: Int?
    /// What TCP analysis found at this packet.
    public var kinds: PacketKinds

    public init(
        connectionID: Int, direction: Direction, timestamp: Timestamp, packetNumber: Int, flags: TCPFlags,
        payloadLength: Int, sequenceNumber: UInt32, acknowledgmentNumber: UInt32, relativeSequence: Int64?,
        relativeAcknowledgment: Int64?, window: UInt16, scaledWindow: Int?, kinds: PacketKinds = []
    ) {
        self.connectionID = connectionID
        self.direction = direction
        self.timestamp = timestamp
        self.packetNumber = packetNumber
        self.flags = flags
        self.payloadLength = payloadLength
        self.sequenceNumber = sequenceNumber
        self.acknowledgmentNumber = acknowledgmentNumber
        self.relativeSequence = relativeSequence
        self.relativeAcknowledgment = relativeAcknowledgment
        self.window = window
        self.scaledWindow = scaledWindow
        self.kinds = kinds
    }
}

/// What TCP analysis found at one packet: the kinds of the `TCPEvent`s it showed.
public struct PacketKinds: OptionSet, Hashable, Sendable {
    public var rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// It repeated payload already seen (or a SYN-ACK already seen).
    public static let retransmission = PacketKinds(rawValue: 1 << 0)
    /// It arrived beyond a hole.
    public static let outOfOrder = PacketKinds(rawValue: 1 << 1)
    /// It advertised a zero window.
    public static let zeroWindow = PacketKinds(rawValue: 1 << 2)
    /// It filled the receiver's advertised window.
    public static let windowFull = PacketKinds(rawValue: 1 << 3)
    /// A keep-alive probe.
    public static let keepAlive = PacketKinds(rawValue: 1 << 4)
    /// A hole in the stream was reported as a gap when it came.
    public static let gap = PacketKinds(rawValue: 1 << 5)
    /// A duplicate acknowledgment.
    public static let duplicateAck = PacketKinds(rawValue: 1 << 6)
    /// Its bytes differed from the first copy of the same bytes.
    public static let overlapConflict = PacketKinds(rawValue: 1 << 7)
    /// The client's SYN sent again.
    public static let synRetransmission = PacketKinds(rawValue: 1 << 8)
    /// It completed the three-way handshake.
    public static let handshakeComplete = PacketKinds(rawValue: 1 << 9)

    /// The kind a TCP event gives its packet; empty for events every packet's flags already show
    /// (SYN, SYN-ACK, FIN, RST).
    public init(_ kind: TCPEvent.Kind) {
        switch kind {
        case .retransmission: self = .retransmission
        case .outOfOrder: self = .outOfOrder
        case .zeroWindow: self = .zeroWindow
        case .windowFull: self = .windowFull
        case .keepAlive: self = .keepAlive
        case .gap: self = .gap
        case .duplicateAck: self = .duplicateAck
        case .overlapConflict: self = .overlapConflict
        case .synRetransmission: self = .synRetransmission
        case .handshakeComplete: self = .handshakeComplete
        case .syn, .synAck, .fin, .reset: self = []
        }
    }

    /// Names in a fixed order (`retransmission`, `out_of_order`…), as the JSON of the views writes them.
    public var names: [String] {
        Self.named.compactMap { contains($0.kind) ? $0.name : nil }
    }

    private static let named: [(kind: PacketKinds, name: String)] = [
        (.retransmission, "retransmission"), (.outOfOrder, "out_of_order"), (.zeroWindow, "zero_window"),
        (.windowFull, "window_full"), (.keepAlive, "keep_alive"), (.gap, "gap"), (.duplicateAck, "duplicate_ack"),
        (.overlapConflict, "overlap_conflict"), (.synRetransmission, "syn_retransmission"),
        (.handshakeComplete, "handshake_complete"),
    ]
}
