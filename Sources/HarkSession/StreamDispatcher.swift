import HarkCapture
import HarkCore
import HarkFastCGI
import HarkHTTP1
import HarkHTTP2
import HarkModel
import HarkReassembly
import HarkTLS
import HarkWebSocket
import NIOCore

/// Sits behind reassembly: gives each connection's bytes to its protocol stack and turns what the
/// protocols find into model values for the observer.
///
/// Not generic over the observer, which is called per connection, event and exchange, not per packet:
/// this keeps reassembly's per-packet calls into the dispatcher specialised and direct (a generic
/// dispatcher made each one look up type metadata and go through a witness table).
struct StreamDispatcher: TCPStreamHandler {
    var observer: any SessionObserver
    /// The capture's name, for diagnostics.
    let captureName: String
    /// What every connection's stack is built with, the TLS key log included.
    let settings: StackSettings
    /// Whether the observer asked for packet facts (read once: reassembly checks it per packet).
    let wantsPacketFacts: Bool
    /// The kinds of the TCP events of the packet being processed, for its fact.
    private var packetKinds = PendingPacketKinds()
    var connectionCount = 0
    private(set) var exchangeCount = 0
    private(set) var messageCount = 0
    private(set) var diagnosticCount = 0
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
    /// Key logs read again as they grow.
    private var followedKeyLogs: [KeyLogTail] = []
    /// Connections whose TLS input waits for secrets.
    private var holding = Set<Int>()
    /// Connections that ended while their TLS input waited: closed once it is replayed.
    private var closing: [Int: (slot: ConnectionSlot, summary: TCPConnectionSummary)] = [:]
    /// Links client HTTP exchanges with the FastCGI exchanges that served them.
    private var hops = HopLinker()

    init(observer: any SessionObserver, captureName: String, settings: StackSettings) {
        self.observer = observer
        self.captureName = captureName
        self.settings = settings
        self.wantsPacketFacts = observer.wantsPacketFacts
    }

    /// Reads NSS key log files into the key log, reporting unreadable files and malformed lines.
    mutating func loadKeyLogs(_ paths: [String]) {
        for path in paths {
            do {
                try KeyLogFile.read(path) { text, firstLine in
                    for diagnostic in settings.keyLog.add(text.dropLast(text.last == UInt8(ascii: "\n") ? 1 : 0), source: path, firstLine: firstLine) {
                        report(diagnostic)
                    }
                }
            } catch {
                report(Diagnostic(.error, "cannot read key log: \(error)", file: path))
            }
        }
    }

    /// Follows key logs that grow while the capture runs: reads what they hold now, then more at each
    /// `followKeyLogs`.
    mutating func follow(keyLogs paths: [String]) {
        followedKeyLogs = paths.map(KeyLogTail.init(path:))
        followKeyLogs(now: nil)
    }

    /// Reads what the followed key logs gained, then replays the TLS input of connections whose
    /// secrets came or whose wait is over (`now`: the latest time the session knows).
    mutating func followKeyLogs(now: Timestamp?) {
        for tail in followedKeyLogs {
            for diagnostic in tail.poll(into: settings.keyLog) { report(diagnostic) }
        }
        if !holding.isEmpty { releaseHeld(now: now, force: false) }
    }

    /// Replays all held TLS input: the session ends.
    mutating func releaseHeldInput() {
        releaseHeld(now: nil, force: true)
    }

    /// Reports the FastCGI exchanges held for a link whose wait is over at `now` (all of them for nil:
    /// the session ends).
    mutating func releaseHeldHops(now: Timestamp?) {
        guard hops.isHolding else { return }
        for exchange in hops.release(before: now) { emit(exchange) }
    }

    private mutating func releaseHeld(now: Timestamp?, force: Bool) {
        for connection in holding.sorted() {
            guard let slot = slots[connection] ?? closing[connection]?.slot else {
                holding.remove(connection)
                continue
            }
            slot.analyzer.releaseHeldTLS(now: now, force: force) { handle($0, slot: slot) }
            guard !slot.analyzer.isHoldingForKeys else { continue }
            holding.remove(connection)
            if let ended = closing.removeValue(forKey: connection) {
                close(ended.summary, slot: ended.slot)
            }
        }
    }

    /// Notes a connection whose TLS input now waits for secrets.
    private mutating func noteHolding(_ slot: ConnectionSlot) {
        if settings.keyWait != nil, slot.analyzer.isHoldingForKeys { holding.insert(slot.info.id) }
    }

    /// Takes secrets the capture carries: a TLS key log adds to the key log; other kinds are not used.
    mutating func add(_ secrets: DecryptionSecrets) {
        let source = "\(captureName) (Decryption Secrets Block at byte \(secrets.fileOffset))"
        guard secrets.type == .tlsKeyLog else {
            report(Diagnostic(.warning, "\(secrets.type) secrets are not used", file: source))
            return
        }
        for diagnostic in settings.keyLog.add(secrets.data.readableBytesView, source: source) { report(diagnostic) }
    }

    mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        connectionCount += 1
        unslotted[connection.id] = (connection, nil)
        observer.connectionOpened(connection)
    }

    mutating func deliver(_ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp, packetNumber: Int) {
        guard connection != lastOpaqueConnection, let slot = slot(connection) else { return }
        slot.held.noteDelivery(direction: direction, capturedAt: time)
        settings.packetClock.with(packetNumber) {
            slot.analyzer.receive(bytes, from: direction, at: time) { handle($0, slot: slot) }
        }
        if case .opaque = slot.analyzer { lastOpaqueConnection = connection }
        noteHolding(slot)
    }

    mutating func gap(_ length: Int, connection: Int, direction: Direction, at time: Timestamp) {
        guard connection != lastOpaqueConnection, let slot = slot(connection) else { return }
        slot.analyzer.gap(length, in: direction, at: time) { handle($0, slot: slot) }
        noteHolding(slot)
    }

    mutating func directionNotCaptured(connection: Int, direction: Direction) {
        slot(connection)?.missing.uncaptured.insert(direction)
    }

    mutating func streamEnded(connection: Int, direction: Direction, reason: StreamEndReason, at time: Timestamp) {
        // A connection that never carried a byte has nothing to finish (its detection would end as `none`).
        guard unslotted[connection] == nil, let slot = slot(connection) else { return }
        slot.analyzer.finish(direction, at: time) { handle($0, slot: slot) }
        noteHolding(slot)
    }

    mutating func tcpEvent(_ event: TCPEvent) {
        var event = event
        if case .syn = event.kind, unslotted[event.connectionID] != nil {
            unslotted[event.connectionID]?.synTime = event.timestamp
        } else if !Self.needsSlot(event.kind), unslotted[event.connectionID] != nil {
            // Nothing in a slot records it (a retransmitted SYN, a reset): the connection stays cheap.
        } else if let slot = slot(event.connectionID) {
            if slot.rolesSwapped { event.direction = event.direction.reversed }
            slot.note(event)
        }
        if wantsPacketFacts { packetKinds.note(event) }
        observer.tcpEvent(event)
    }

    mutating func packet(_ fact: PacketFact) {
        var fact = fact
        fact.kinds = packetKinds.take(for: fact)
        observer.packet(fact)
    }

    mutating func connectionClosed(_ summary: TCPConnectionSummary) {
        unslotted[summary.info.id] = nil
        let slot = slots.removeValue(forKey: summary.info.id)
        if lastSlot?.info.id == summary.info.id { lastSlot = nil }
        if lastOpaqueConnection == summary.info.id { lastOpaqueConnection = nil }
        if let slot, holding.contains(summary.info.id) {
            closing[summary.info.id] = (slot, summary)
            return
        }
        close(summary, slot: slot)
    }

    /// Reports a connection's end: a stand-in exchange for an undecrypted TLS connection, then the
    /// connection record.
    private mutating func close(_ summary: TCPConnectionSummary, slot: ConnectionSlot?) {
        let tls = slot?.finalTLSSummary()
        if settings.parsesMessages, let slot, let tls, !tls.isDecrypted, slot.exchangesReported == 0 {
            // Nothing could be read inside: the connection itself is the one thing to show.
            let context = slot.context(consumingHandshake: true)
            emit(ExchangeMapper.exchange(undecrypted: summary, tls: tls, id: exchangeCount, connection: context))
        }
        let roles = slot?.rolesSwapped == true ? summary.swappingRoles(source: .webSocketMasking) : summary
        observer.connectionClosed(
            ConnectionRecord(summary: roles, applicationProtocol: slot?.applicationProtocol ?? .none, tls: tls)
        )
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

    /// Reports one diagnostic, counting it.
    mutating func report(_ diagnostic: Diagnostic) {
        diagnosticCount += 1
        var located = diagnostic
        if located.file == nil { located.file = captureName }
        observer.diagnostic(located)
    }

    private mutating func handle(_ event: StreamAnalyzerEvent, slot: ConnectionSlot) {
        switch event {
        case .detected(let found):
            slot.noteProtocol(found)
            hops.noteProtocol(found)
        case .upgraded(let found):
            slot.noteUpgrade(to: found)
        case .clientIsTheMaskingSide:
            slot.swapRoles()
        case .switched(let exchange, let switchedTo):
            let position = slot.takeExchangePosition()
            let context = slot.context(consumingHandshake: true)
            var mapped = ExchangeMapper.exchange(from: exchange, id: exchangeCount, position: position, connection: context)
            mapped.switchedTo = switchedTo
            slot.noteSwitchingExchange(emit(mapped, slot: slot), streamID: nil)
        case .switchedStream(let exchange, let switchedTo):
            let position = slot.takeExchangePosition()
            let context = slot.context(consumingHandshake: true)
            var mapped = ExchangeMapper.exchange(from: exchange, id: exchangeCount, index: position, connection: context)
            mapped.switchedTo = switchedTo.lowercased()
            slot.noteSwitchingExchange(emit(mapped, slot: slot), streamID: exchange.streamID)
        case .webSocket(.message(var message), let streamID):
            // The analyzer numbers directions as reassembly does; the context names the corrected roles.
            if slot.rolesSwapped { message.direction = message.direction.reversed }
            let context = slot.context(consumingHandshake: false)
            let mapped = MessageMapper.message(
                from: message,
                id: messageCount,
                exchangeID: slot.switchingExchangeID(streamID: streamID),
                streamID: streamID,
                position: slot.takeMessagePosition(),
                connection: context
            )
            messageCount += 1
            observer.message(mapped)
        case .webSocket(.diagnostic(var diagnostic), let streamID):
            if slot.rolesSwapped { diagnostic.direction = diagnostic.direction.reversed }
            let stream = streamID.map { "HTTP/2 stream \($0): " } ?? ""
            reportInPacket(Diagnostic(diagnostic.isError ? .error : .warning, stream + diagnostic.description, connectionID: slot.info.id))
        case .tlsSession(let session):
            slot.noteTLS(session)
        case .tls(let diagnostic):
            reportInPacket(diagnostic.diagnostic(connectionID: slot.info.id))
        case .cut(let what):
            reportInPacket(Diagnostic(.error, what, connectionID: slot.info.id))
        case .http1(.exchange(let exchange)):
            let position = slot.takeExchangePosition()
            let context = slot.context(consumingHandshake: true)
            emit(ExchangeMapper.exchange(from: exchange, id: exchangeCount, position: position, connection: context), slot: slot)
        case .http1(.unpairedResponse(let response, let skippedRequestBytes)):
            let position = slot.takeExchangePosition()
            let context = slot.context(consumingHandshake: true)
            emit(
                ExchangeMapper.exchange(
                    unpaired: response, id: exchangeCount, position: position, connection: context,
                    missingRequest: slot.missing.missingRequest(
                        sawHandshake: slot.info.roleSource == .handshake, skippedRequestBytes: skippedRequestBytes
                    )
                ),
                slot: slot
            )
        case .http1(.diagnostic(let diagnostic)):
            reportInPacket(diagnostic.diagnostic(connectionID: slot.info.id))
        case .http1(.tunnelOpened), .http1(.tunnelData), .http1(.tunnelGap), .http1(.tunnelClosed):
            break  // handled inside the stack
        case .http2(.exchange(let exchange)):
            let position = slot.takeExchangePosition()
            let context = slot.context(consumingHandshake: true)
            emit(ExchangeMapper.exchange(from: exchange, id: exchangeCount, index: position, connection: context), slot: slot)
        case .http2(.diagnostic(let diagnostic)):
            reportInPacket(diagnostic.diagnostic(connectionID: slot.info.id))
        case .http2(.streamSwitched), .http2(.streamData), .http2(.streamGap), .http2(.streamEnded):
            break  // handled inside the stack (`HTTP2Layer`)
        case .fastCGI(.exchange(let exchange)):
            let position = slot.takeExchangePosition()
            let context = slot.context(consumingHandshake: true)
            var mapped = ExchangeMapper.exchange(from: exchange, id: exchangeCount, position: position, connection: context)
            slot.held.annotate(&mapped)  // now: a held exchange is reported without its slot
            if settings.parsesMessages, let now = hops.fastCGI(mapped) { emit(now) }
        case .fastCGI(.diagnostic(let diagnostic)):
            reportInPacket(Diagnostic(diagnostic.isError ? .error : .warning, diagnostic.description, connectionID: slot.info.id))
        }
    }

    /// Reports a protocol stack's diagnostic with the number of the packet being analysed, when it
    /// has none of its own.
    private mutating func reportInPacket(_ diagnostic: Diagnostic) {
        var located = diagnostic
        if located.packetNumber == nil, settings.packetClock.number > 0 {
            located.packetNumber = settings.packetClock.number
        }
        report(located)
    }

    /// Reports an exchange under the next id; one of `slot`'s connection says whether its bytes came
    /// out late. An HTTP exchange a held FastCGI exchange served is reported right after it, both linked.
    ///
    /// - Returns: the id it was reported under.
    @discardableResult
    mutating func emit(_ exchange: Exchange, slot: ConnectionSlot? = nil) -> Int {
        // Without message parsing only an upgrade is followed (to name the connection's protocol).
        guard settings.parsesMessages else { return exchangeCount }
        var exchange = exchange
        if let slot {
            exchange.problems = slot.missing.reword(exchange.problems)
            slot.held.annotate(&exchange)
        }
        exchange.id = exchangeCount
        if exchange.applicationProtocol != .fastCGI, var upstream = hops.http(exchange) {
            upstream.id = exchangeCount
            exchange.id = exchangeCount + 1
            upstream.downstream = HopLinker.link(to: exchange, peer: exchange.connection.client)
            exchange.upstream = HopLinker.link(to: upstream, peer: upstream.connection.server)
            exchangeCount += 1
            observer.exchange(upstream)
        }
        exchangeCount += 1
        if exchange.applicationProtocol != .fastCGI, exchange.upstream == nil { hops.remember(exchange) }
        observer.exchange(exchange)
        return exchange.id
    }
}
