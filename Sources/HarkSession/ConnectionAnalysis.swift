import HarkCore
import HarkFastCGI
import HarkHTTP1
import HarkHTTP2
import HarkModel
import HarkReassembly
import HarkTLS
import HarkWebSocket
import NIOCore

/// The protocol stacks of a set of connections: gives each connection's bytes, gaps and ends to its
/// stack and turns what the protocols find into `AnalysisEvent`s, with what the connection knows
/// (handshake timing, TLS, bytes delivered late, missing messages) already applied.
///
/// It knows nothing beyond its connections, so the connections of one session can be split among
/// several of these, each on its thread (see `AnalysisWorker`); the events then go through
/// `SessionOutput`, which numbers and links them.
struct ConnectionAnalysis {
    /// What every connection's stack is built with, the TLS key log included.
    let settings: StackSettings
    /// Per open connection that has shown more than a handshake.
    private var slots: [Int: ConnectionSlot] = [:]
    /// Open connections without a slot yet, with their SYN's time: until a byte, a gap or the end of
    /// the handshake, a connection costs only this (a SYN flood or a port scan holds thousands).
    private var unslotted: [Int: (info: TCPConnectionInfo, synTime: Timestamp?)] = [:]
    /// Slots made so far: connections that showed more than a handshake. // private but tests
    private(set) var slotsMade = 0
    /// The slot last looked up: segments of one connection tend to come in runs.
    private var lastSlot: ConnectionSlot?
    /// The last connection found to have an opaque stack, which ignores bytes, gaps and ends for good:
    /// its segments skip the lookup and the call into the stack.
    private var lastOpaqueConnection: Int?
    /// Connections whose TLS input waits for secrets.
    private var holding = Set<Int>()
    /// Connections that ended while their TLS input waited: closed once it is replayed.
    private var closing: [Int: (slot: ConnectionSlot, summary: TCPConnectionSummary)] = [:]

    init(settings: StackSettings) {
        self.settings = settings
    }

    /// Whether a connection's TLS input waits for secrets.
    var isHolding: Bool { !holding.isEmpty }

    /// A connection opened: it gets its slot (and stack) on first need.
    mutating func open(_ connection: TCPConnectionInfo) {
        unslotted[connection.id] = (connection, nil)
    }

    /// Bytes of a connection, brought by packet `packetNumber` (set on the packet clock meanwhile).
    mutating func deliver<Sink: AnalysisSink>(
        _ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp, packetNumber: Int, into sink: inout Sink
    ) {
        guard connection != lastOpaqueConnection, let slot = slot(connection) else { return }
        slot.held.noteDelivery(direction: direction, capturedAt: time)
        settings.packetClock.with(packetNumber) {
            slot.analyzer.receive(bytes, from: direction, at: time) { handle($0, slot: slot, into: &sink) }
        }
        if case .opaque = slot.analyzer { lastOpaqueConnection = connection }
        noteHolding(slot)
    }

    mutating func gap<Sink: AnalysisSink>(
        _ length: Int, connection: Int, direction: Direction, at time: Timestamp, into sink: inout Sink
    ) {
        guard connection != lastOpaqueConnection, let slot = slot(connection) else { return }
        slot.analyzer.gap(length, in: direction, at: time) { handle($0, slot: slot, into: &sink) }
        noteHolding(slot)
    }

    mutating func directionNotCaptured(connection: Int, direction: Direction) {
        slot(connection)?.missing.uncaptured.insert(direction)
    }

    mutating func streamEnded<Sink: AnalysisSink>(
        connection: Int, direction: Direction, at time: Timestamp, into sink: inout Sink
    ) {
        // A connection that never carried a byte has nothing to finish (its detection would end as `none`).
        guard unslotted[connection] == nil, let slot = slot(connection) else { return }
        slot.analyzer.finish(direction, at: time) { handle($0, slot: slot, into: &sink) }
        noteHolding(slot)
    }

    /// A TCP event of one of the connections: the handshake's timing and gaps are kept. The slot
    /// numbers directions as reassembly does, as its stack does.
    mutating func note(_ event: TCPEvent) {
        if case .syn = event.kind, unslotted[event.connectionID] != nil {
            unslotted[event.connectionID]?.synTime = event.timestamp
        } else if !Self.needsSlot(event.kind), unslotted[event.connectionID] != nil {
            // Nothing in a slot records it (a retransmitted SYN, a reset): the connection stays cheap.
        } else {
            slot(event.connectionID)?.note(event)
        }
    }

    /// A connection is over: reported now, or once its held TLS input is replayed.
    mutating func close<Sink: AnalysisSink>(_ summary: TCPConnectionSummary, into sink: inout Sink) {
        unslotted[summary.info.id] = nil
        let slot = slots.removeValue(forKey: summary.info.id)
        if lastSlot?.info.id == summary.info.id { lastSlot = nil }
        if lastOpaqueConnection == summary.info.id { lastOpaqueConnection = nil }
        if let slot, holding.contains(summary.info.id) {
            closing[summary.info.id] = (slot, summary)
            return
        }
        close(summary, slot: slot, into: &sink)
    }

    /// Replays the held TLS input of connections whose secrets came or whose wait is over at `now`
    /// (all of it with `force`: the session ends).
    mutating func releaseHeld<Sink: AnalysisSink>(now: Timestamp?, force: Bool, into sink: inout Sink) {
        for connection in holding.sorted() {
            guard let slot = slots[connection] ?? closing[connection]?.slot else {
                holding.remove(connection)
                continue
            }
            slot.analyzer.releaseHeldTLS(now: now, force: force) { handle($0, slot: slot, into: &sink) }
            guard !slot.analyzer.isHoldingForKeys else { continue }
            holding.remove(connection)
            if let ended = closing.removeValue(forKey: connection) {
                close(ended.summary, slot: ended.slot, into: &sink)
            }
        }
    }

    /// Notes a connection whose TLS input now waits for secrets.
    private mutating func noteHolding(_ slot: ConnectionSlot) {
        if settings.keyWait != nil, slot.analyzer.isHoldingForKeys { holding.insert(slot.info.id) }
    }

    /// Reports a connection's end: a stand-in exchange for an undecrypted TLS connection, then the
    /// connection record.
    private func close<Sink: AnalysisSink>(_ summary: TCPConnectionSummary, slot: ConnectionSlot?, into sink: inout Sink) {
        let tls = slot?.finalTLSSummary()
        if settings.parsesMessages, let slot, let tls, !tls.isDecrypted, slot.exchangesReported == 0 {
            // Nothing could be read inside: the connection itself is the one thing to show.
            let context = slot.context(consumingHandshake: true)
            sink.take(.exchange(ExchangeMapper.exchange(undecrypted: summary, tls: tls, id: 0, connection: context)))
        }
        let roles = slot?.rolesSwapped == true ? summary.swappingRoles(source: .webSocketMasking) : summary
        sink.take(.closed(ConnectionRecord(summary: roles, applicationProtocol: slot?.applicationProtocol ?? .none, tls: tls)))
    }

    /// The slot of an open connection, made on first need.
    private mutating func slot(_ connection: Int) -> ConnectionSlot? {
        if let lastSlot, lastSlot.info.id == connection { return lastSlot }
        var found = slots[connection]
        if found == nil, let pending = unslotted.removeValue(forKey: connection) {
            let made = ConnectionSlot(info: pending.info, settings: settings, synTime: pending.synTime)
            slots[connection] = made
            slotsMade += 1
            found = made
        }
        if found != nil { lastSlot = found }
        return found
    }

    /// Whether a TCP event is one a slot records (`ConnectionSlot.note`), so that it needs one.
    private static func needsSlot(_ kind: TCPEvent.Kind) -> Bool {
        switch kind {
        case .handshakeComplete, .gap: true
        default: false
        }
    }

    private func handle<Sink: AnalysisSink>(_ event: StreamAnalyzerEvent, slot: ConnectionSlot, into sink: inout Sink) {
        switch event {
        case .detected(let found):
            slot.noteProtocol(found)
            sink.take(.detected(found))
        case .upgraded(let found):
            slot.noteUpgrade(to: found)
        case .clientIsTheMaskingSide:
            slot.swapRoles()
            sink.take(.rolesSwapped(connection: slot.info.id))
        case .switched(let exchange, let switchedTo):
            let position = slot.takeExchangePosition()
            let context = slot.context(consumingHandshake: true)
            var mapped = ExchangeMapper.exchange(from: exchange, id: 0, position: position, connection: context)
            mapped.switchedTo = switchedTo
            annotate(&mapped, slot: slot)
            sink.take(.switched(mapped))
        case .switchedStream(let exchange, let switchedTo):
            let position = slot.takeExchangePosition()
            let context = slot.context(consumingHandshake: true)
            var mapped = ExchangeMapper.exchange(from: exchange, id: 0, index: position, connection: context)
            mapped.switchedTo = switchedTo.lowercased()
            annotate(&mapped, slot: slot)
            sink.take(.switched(mapped))
        case .webSocket(.message(var message), let streamID):
            // The analyzer numbers directions as reassembly does; the context names the corrected roles.
            if slot.rolesSwapped { message.direction = message.direction.reversed }
            let context = slot.context(consumingHandshake: false)
            sink.take(.message(MessageMapper.message(
                from: message, id: 0, exchangeID: nil, streamID: streamID, position: slot.takeMessagePosition(), connection: context
            )))
        case .webSocket(.diagnostic(var diagnostic), let streamID):
            if slot.rolesSwapped { diagnostic.direction = diagnostic.direction.reversed }
            let stream = streamID.map { "HTTP/2 stream \($0): " } ?? ""
            sink.take(.diagnostic(inPacket(Diagnostic(diagnostic.isError ? .error : .warning, stream + diagnostic.description, connectionID: slot.info.id))))
        case .tlsSession(let session):
            slot.noteTLS(session)
        case .tls(let diagnostic):
            sink.take(.diagnostic(inPacket(diagnostic.diagnostic(connectionID: slot.info.id))))
        case .cut(let what):
            sink.take(.diagnostic(inPacket(Diagnostic(.error, what, connectionID: slot.info.id))))
        case .http1(.exchange(let exchange)):
            let position = slot.takeExchangePosition()
            let context = slot.context(consumingHandshake: true)
            var mapped = ExchangeMapper.exchange(from: exchange, id: 0, position: position, connection: context)
            annotate(&mapped, slot: slot)
            sink.take(exchange: consume mapped)
        case .http1(.unpairedResponse(let response, let skippedRequestBytes)):
            let position = slot.takeExchangePosition()
            let context = slot.context(consumingHandshake: true)
            var mapped = ExchangeMapper.exchange(
                unpaired: response, id: 0, position: position, connection: context,
                missingRequest: slot.missing.missingRequest(
                    sawHandshake: slot.info.roleSource == .handshake, skippedRequestBytes: skippedRequestBytes
                )
            )
            annotate(&mapped, slot: slot)
            sink.take(exchange: consume mapped)
        case .http1(.diagnostic(let diagnostic)):
            sink.take(.diagnostic(inPacket(diagnostic.diagnostic(connectionID: slot.info.id))))
        case .http1(.tunnelOpened), .http1(.tunnelData), .http1(.tunnelGap), .http1(.tunnelClosed):
            break  // handled inside the stack
        case .http2(.exchange(let exchange)):
            let position = slot.takeExchangePosition()
            let context = slot.context(consumingHandshake: true)
            var mapped = ExchangeMapper.exchange(from: exchange, id: 0, index: position, connection: context)
            annotate(&mapped, slot: slot)
            sink.take(exchange: consume mapped)
        case .http2(.diagnostic(let diagnostic)):
            sink.take(.diagnostic(inPacket(diagnostic.diagnostic(connectionID: slot.info.id))))
        case .http2(.streamSwitched), .http2(.streamData), .http2(.streamGap), .http2(.streamEnded):
            break  // handled inside the stack (`HTTP2Layer`)
        case .fastCGI(.exchange(let exchange)):
            let position = slot.takeExchangePosition()
            let context = slot.context(consumingHandshake: true)
            var mapped = ExchangeMapper.exchange(from: exchange, id: 0, position: position, connection: context)
            slot.held.annotate(&mapped)  // now: a held exchange is reported without its slot
            sink.take(.fastCGI(mapped))
        case .fastCGI(.diagnostic(let diagnostic)):
            sink.take(.diagnostic(inPacket(Diagnostic(diagnostic.isError ? .error : .warning, diagnostic.description, connectionID: slot.info.id))))
        }
    }

    /// `diagnostic` with the number of the packet being analysed, when it has none of its own.
    private func inPacket(_ diagnostic: Diagnostic) -> Diagnostic {
        var located = diagnostic
        if located.packetNumber == nil, settings.packetClock.number > 0 {
            located.packetNumber = settings.packetClock.number
        }
        return located
    }

    /// Adds to `exchange` what its connection knows: the problems worded for why a message is missing,
    /// and whether its bytes came out late. Only when messages are parsed (without, no exchange is
    /// reported, and an upgrade is followed only to name the connection's protocol). In place: an
    /// exchange is large, and one taken and returned was copied.
    private func annotate(_ exchange: inout Exchange, slot: ConnectionSlot) {
        guard settings.parsesMessages else { return }
        exchange.problems = slot.missing.reword(exchange.problems)
        slot.held.annotate(&exchange)
    }
}
