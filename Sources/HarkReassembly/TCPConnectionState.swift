import HarkCore
import HarkModel
import HarkPacket
import NIOCore

/// One connection's lifetime on a 4-tuple: handshake, both half-streams and their counters.
///
/// A value, mutated in place in its `ConnectionTable` slot; owned by one `TCPReassembler` only.
struct TCPConnectionState {
    let info: TCPConnectionInfo
    private(set) var client = HalfStream()
    private(set) var server = HalfStream()
    private(set) var lastTimestamp: Timestamp
    /// Packets of this connection so far, both directions.
    private(set) var packetCount = 0
    private var synTimestamp: Timestamp?
    private var synAckTimestamp: Timestamp?
    private(set) var clientInitialSequence: UInt32?
    private var serverInitialSequence: UInt32?
    private(set) var handshakeRoundTrip: TimeSpan?
    private var synRetransmissions = 0
    /// Window scale shift counts from the SYN and SYN-ACK; applied only when both offered one (RFC 7323 §2.2).
    private var clientWindowScale: UInt8?
    private var serverWindowScale: UInt8?
    private var sawBothSyns: Bool { synTimestamp != nil && synAckTimestamp != nil }
    /// The last pure acknowledgment each direction sent, for duplicate-ACK detection.
    private var lastClientAck: (ack: UInt32, window: UInt16)?
    private var lastServerAck: (ack: UInt32, window: UInt16)?
    /// The first acknowledgment number each side sent (on a packet without SYN), for a direction never
    /// captured at all: what the other side acknowledged of it from then on is bytes the capture missed.
    private var firstClientAck: UInt32?
    private var firstServerAck: UInt32?
    private(set) var resetBy: Direction?
    /// When both directions ended; the connection then lingers for late packets.
    private(set) var closedAt: Timestamp?

    init(info: TCPConnectionInfo) {
        self.info = info
        self.lastTimestamp = info.firstTimestamp
    }

    /// Whether any payload has been seen in either direction.
    var hasPayload: Bool {
        client.statistics.payloadBytes > 0 || server.statistics.payloadBytes > 0
    }

    /// The direction of a segment sent by `source`.
    func direction(from source: Endpoint) -> Direction {
        source == info.client ? .clientToServer : .serverToClient
    }

    /// Takes one segment of this connection.
    mutating func receive<Handler: TCPStreamHandler>(
        _ segment: TCPSegment,
        at time: Timestamp,
        packetNumber: Int,
        limits: ReassemblyLimits,
        budget: inout Int,
        handler: inout Handler
    ) {
        let direction = direction(from: segment.source)
        let context = SegmentContext(connectionID: info.id, direction: direction, time: time, packetNumber: packetNumber)
        packetCount += 1
        if time > lastTimestamp { lastTimestamp = time }
        let flags = segment.flags

        withHalf(direction) { half in
            half.statistics.packets += 1
            half.statistics.payloadBytes += Int64(segment.payloadLength)
        }
        if flags.contains(.syn) {
            handleSyn(segment, direction: direction, context: context, handler: &handler)
        } else if flags.contains(.ack) {
            completeHandshakeIfDue(segment, direction: direction, context: context, handler: &handler)
        }
        if flags.contains(.ack) {
            analyzeAcknowledgment(segment, direction: direction, context: context, handler: &handler)
        }
        if segment.window == 0, !flags.contains(.rst), !flags.contains(.syn), !flags.contains(.fin) {
            withHalf(direction) { $0.statistics.zeroWindows += 1 }
            handler.tcpEvent(context.event(.zeroWindow))
        }
        if segment.payloadLength > 0 {
            detectWindowFull(segment, direction: direction, context: context, handler: &handler)
        }

        // A SYN's own sequence number precedes the data; its payload (TCP Fast Open) starts one later.
        let dataSequence = flags.contains(.syn) ? segment.sequenceNumber &+ 1 : segment.sequenceNumber
        let fin = flags.contains(.fin)
        if segment.payloadLength > 0 || fin {
            withHalf(direction) { half in
                half.receive(
                    segment.payload, sequence: dataSequence, length: segment.payloadLength, fin: fin,
                    context: context, limits: limits, budget: &budget, handler: &handler
                )
            }
        }
        if client.awaitsAcknowledgedBytes || server.awaitsAcknowledgedBytes {
            let packetCount = packetCount
            for side in Direction.allCases {
                let sideContext = SegmentContext(connectionID: info.id, direction: side, time: time, packetNumber: packetNumber)
                withHalf(side) { half in
                    half.resolveAcknowledgedHole(
                        connectionPacketCount: packetCount, context: sideContext, limits: limits, budget: &budget, handler: &handler
                    )
                }
            }
        }
        if flags.contains(.rst) {
            if resetBy == nil { resetBy = direction }
            handler.tcpEvent(context.event(.reset))
            finish(reason: .reset, at: time, packetNumber: packetNumber, budget: &budget, handler: &handler)
        }
        if closedAt == nil, client.ended != nil, server.ended != nil {
            closedAt = time
        }
        if handler.wantsPacketFacts {
            handler.packet(fact(for: segment, direction: direction, context: context))
        }
    }

    /// The packet as a timeline shows it; `kinds` is left for the handler to fill from the events.
    private func fact(for segment: TCPSegment, direction: Direction, context: SegmentContext) -> PacketFact {
        let sender = direction == .clientToServer ? client : server
        let receiver = direction == .clientToServer ? server : client
        let hasAck = segment.flags.contains(.ack)
        return PacketFact(
            connectionID: info.id, direction: direction, timestamp: context.time, packetNumber: context.packetNumber,
            flags: segment.flags, payloadLength: segment.payloadLength, sequenceNumber: segment.sequenceNumber,
            acknowledgmentNumber: segment.acknowledgmentNumber,
            relativeSequence: sender.isAnchored ? sender.offset(of: segment.sequenceNumber) : nil,
            relativeAcknowledgment: hasAck && receiver.isAnchored ? receiver.offset(of: segment.acknowledgmentNumber) : nil,
            window: segment.window, scaledWindow: scaledWindow(of: segment, from: direction)
        )
    }

    /// Ends both directions that are still open.
    mutating func finish<Handler: TCPStreamHandler>(
        reason: StreamEndReason,
        at time: Timestamp,
        packetNumber: Int,
        budget: inout Int,
        handler: inout Handler
    ) {
        anchorUncapturedDirections(at: time)
        for side in Direction.allCases {
            let context = SegmentContext(connectionID: info.id, direction: side, time: time, packetNumber: packetNumber)
            withHalf(side) { $0.finish(reason: reason, context: context, budget: &budget, handler: &handler) }
        }
        if closedAt == nil { closedAt = time }
    }

    /// A direction of which not one packet was captured, and whose start no SYN or SYN-ACK gave (a
    /// one-sided capture that began mid-connection): the other side's first acknowledgment anchors it,
    /// so that what it acknowledged after that is reported as a gap when the direction ends.
    private mutating func anchorUncapturedDirections(at time: Timestamp) {
        let packetCount = packetCount
        if server.statistics.packets == 0, !server.isAnchored, let first = firstClientAck, let last = lastClientAck?.ack {
            server.anchor(firstDataSequence: first)
            server.noteAcknowledgment(last, connectionPacketCount: packetCount, time: time)
        }
        if client.statistics.packets == 0, !client.isAnchored, let first = firstServerAck, let last = lastServerAck?.ack {
            client.anchor(firstDataSequence: first)
            client.noteAcknowledgment(last, connectionPacketCount: packetCount, time: time)
        }
    }

    /// The summary published when the connection leaves the table.
    var summary: TCPConnectionSummary {
        TCPConnectionSummary(
            info: info,
            lastTimestamp: lastTimestamp,
            clientToServer: client.statistics,
            serverToClient: server.statistics,
            handshakeRoundTrip: handshakeRoundTrip,
            synRetransmissions: synRetransmissions,
            clientEnd: client.ended ?? .endOfCapture,
            serverEnd: server.ended ?? .endOfCapture,
            resetBy: resetBy
        )
    }

    // MARK: - Handshake

    private mutating func handleSyn<Handler: TCPStreamHandler>(
        _ segment: TCPSegment,
        direction: Direction,
        context: SegmentContext,
        handler: inout Handler
    ) {
        let isSynAck = segment.flags.contains(.ack)
        if direction == .clientToServer, !isSynAck {
            if let known = clientInitialSequence {
                synRetransmissions += 1
                handler.tcpEvent(context.event(.synRetransmission))
                if known != segment.sequenceNumber {
                    client.anchor(initialSequence: segment.sequenceNumber)
                    clientInitialSequence = segment.sequenceNumber
                }
            } else {
                clientInitialSequence = segment.sequenceNumber
                client.anchor(initialSequence: segment.sequenceNumber)
                synTimestamp = context.time
                clientWindowScale = segment.options.windowScale
                handler.tcpEvent(context.event(.syn))
            }
        } else if direction == .serverToClient, isSynAck {
            if serverInitialSequence == nil {
                serverInitialSequence = segment.sequenceNumber
                server.anchor(initialSequence: segment.sequenceNumber)
                synAckTimestamp = context.time
                serverWindowScale = segment.options.windowScale
                if clientInitialSequence == nil, !client.isAnchored {
                    // The SYN was not captured: the SYN-ACK acknowledges the client's first data byte.
                    client.anchor(firstDataSequence: segment.acknowledgmentNumber)
                }
                handler.tcpEvent(context.event(.synAck))
            } else {
                withHalf(.serverToClient) { $0.statistics.retransmissions += 1 }
                handler.tcpEvent(context.event(.retransmission(length: 0)))
            }
        }
    }

    private mutating func completeHandshakeIfDue<Handler: TCPStreamHandler>(
        _ segment: TCPSegment,
        direction: Direction,
        context: SegmentContext,
        handler: inout Handler
    ) {
        guard direction == .clientToServer, handshakeRoundTrip == nil, let synTimestamp,
            let serverInitialSequence, segment.acknowledgmentNumber == serverInitialSequence &+ 1
        else { return }
        let roundTrip = context.time.since(synTimestamp)
        handshakeRoundTrip = roundTrip
        handler.tcpEvent(context.event(.handshakeComplete(roundTrip: roundTrip)))
    }

    // MARK: - Acknowledgments and windows

    private mutating func analyzeAcknowledgment<Handler: TCPStreamHandler>(
        _ segment: TCPSegment,
        direction: Direction,
        context: SegmentContext,
        handler: inout Handler
    ) {
        let ack = segment.acknowledgmentNumber
        let scaledWindow = scaledWindow(of: segment, from: direction)
        let peer = direction.reversed
        let packetCount = packetCount
        if direction == .clientToServer, clientInitialSequence != nil, !server.isAnchored, !segment.flags.contains(.syn) {
            // The client's SYN was captured but not the SYN-ACK: the client's first ACK acknowledges the
            // server's SYN, so the server's data starts there, and later ACKs beyond anything captured
            // prove bytes the capture missed (a one-sided capture).
            server.anchor(firstDataSequence: ack)
        }
        withHalf(peer) { half in
            half.noteAcknowledgment(ack, connectionPacketCount: packetCount, time: context.time)
            half.peerAcknowledgment = ack
            half.peerWindow = scaledWindow
        }
        let isPureAck = segment.payloadLength == 0 && segment.flags.isDisjoint(with: [.syn, .fin, .rst])
        let previous = direction == .clientToServer ? lastClientAck : lastServerAck
        // As tshark: a zero window repeated is the receiver still being full, not a duplicate ACK.
        if isPureAck, segment.window != 0, let previous, previous.ack == ack, previous.window == segment.window {
            let peerHalf = direction == .clientToServer ? server : client
            if peerHalf.isAnchored, peerHalf.highestOffset > peerHalf.offset(of: ack) {
                withHalf(direction) { $0.statistics.duplicateAcks += 1 }
                handler.tcpEvent(context.event(.duplicateAck))
            }
        }
        let latest = (ack: ack, window: segment.window)
        if direction == .clientToServer { lastClientAck = latest } else { lastServerAck = latest }
        if !segment.flags.contains(.syn) {
            if direction == .clientToServer, firstClientAck == nil { firstClientAck = ack }
            if direction == .serverToClient, firstServerAck == nil { firstServerAck = ack }
        }
    }

    /// The window in bytes, when the scale is known (both SYNs seen); nil otherwise. Inlined: called
    /// from mutating code, a method on the whole state would first copy it.
    @inline(__always)
    private func scaledWindow(of segment: TCPSegment, from direction: Direction) -> Int? {
        if segment.flags.contains(.syn) { return Int(segment.window) }  // never scaled on SYNs
        guard sawBothSyns else { return nil }
        guard let clientScale = clientWindowScale, let serverScale = serverWindowScale else {
            return Int(segment.window)
        }
        let shift = min(Int(direction == .clientToServer ? clientScale : serverScale), 14)
        return Int(segment.window) << shift
    }

    private mutating func detectWindowFull<Handler: TCPStreamHandler>(
        _ segment: TCPSegment,
        direction: Direction,
        context: SegmentContext,
        handler: inout Handler
    ) {
        let half = direction == .clientToServer ? client : server
        guard half.isAnchored, let window = half.peerWindow, window > 0, let acknowledged = half.peerAcknowledgment else { return }
        let inFlight = half.offset(of: segment.sequenceNumber) + Int64(segment.payloadLength) - half.offset(of: acknowledged)
        if inFlight == Int64(window) {
            withHalf(direction) { $0.statistics.windowFull += 1 }
            handler.tcpEvent(context.event(.windowFull))
        }
    }

    /// Runs `body` on the half-stream of `direction`, in place.
    private mutating func withHalf<Result>(_ direction: Direction, _ body: (inout HalfStream) -> Result) -> Result {
        switch direction {
        case .clientToServer: body(&client)
        case .serverToClient: body(&server)
        }
    }
}
