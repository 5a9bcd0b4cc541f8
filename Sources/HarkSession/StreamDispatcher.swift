import HarkCore
import HarkHTTP1
import HarkHTTP2
import HarkModel
import HarkReassembly
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
    /// Whether connections' analyzers keep bodies (`SessionConfiguration.keepsBodies`).
    let keepsBodies: Bool
    /// Whether connections' analyzers parse messages (`SessionConfiguration.parsesMessages`).
    let parsesMessages: Bool
    private(set) var connectionCount = 0
    private(set) var exchangeCount = 0
    private(set) var diagnosticCount = 0
    /// Per open connection.
    private var slots: [Int: ConnectionSlot] = [:]
    /// The slot last looked up: segments of one connection tend to come in runs.
    private var lastSlot: ConnectionSlot?
    /// The last connection found to have an opaque stack, which ignores bytes, gaps and ends for good:
    /// its segments skip the lookup and the call into the stack.
    private var lastOpaqueConnection: Int?

    init(observer: any SessionObserver, captureName: String, keepsBodies: Bool = true, parsesMessages: Bool = true) {
        self.observer = observer
        self.captureName = captureName
        self.keepsBodies = keepsBodies
        self.parsesMessages = parsesMessages
    }

    mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        connectionCount += 1
        slots[connection.id] = ConnectionSlot(info: connection, keepsBodies: keepsBodies, parsesMessages: parsesMessages)
        observer.connectionOpened(connection)
    }

    mutating func deliver(_ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp) {
        guard connection != lastOpaqueConnection, let slot = slot(connection) else { return }
        slot.analyzer.receive(bytes, from: direction, at: time) { handle($0, slot: slot) }
        if case .opaque = slot.analyzer { lastOpaqueConnection = connection }
    }

    mutating func gap(_ length: Int, connection: Int, direction: Direction, at time: Timestamp) {
        guard connection != lastOpaqueConnection, let slot = slot(connection) else { return }
        slot.analyzer.gap(length, in: direction, at: time) { handle($0, slot: slot) }
    }

    mutating func streamEnded(connection: Int, direction: Direction, reason: StreamEndReason, at time: Timestamp) {
        guard let slot = slot(connection) else { return }
        slot.analyzer.finish(direction, at: time) { handle($0, slot: slot) }
    }

    mutating func tcpEvent(_ event: TCPEvent) {
        if let slot = slot(event.connectionID) {
            slot.note(event)
        }
        observer.tcpEvent(event)
    }

    mutating func connectionClosed(_ summary: TCPConnectionSummary) {
        let slot = slots.removeValue(forKey: summary.info.id)
        if lastSlot?.info.id == summary.info.id { lastSlot = nil }
        if lastOpaqueConnection == summary.info.id { lastOpaqueConnection = nil }
        observer.connectionClosed(ConnectionRecord(summary: summary, applicationProtocol: slot?.applicationProtocol ?? .none))
    }

    /// The slot of an open connection.
    private mutating func slot(_ connection: Int) -> ConnectionSlot? {
        if let lastSlot, lastSlot.info.id == connection { return lastSlot }
        let found = slots[connection]
        if found != nil { lastSlot = found }
        return found
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
        case .http1(.exchange(let exchange)):
            let position = slot.takeExchangePosition()
            let context = slot.context(consumingHandshake: true)
            emit(ExchangeMapper.exchange(from: exchange, id: exchangeCount, position: position, connection: context))
        case .http1(.unpairedResponse(let response)):
            let position = slot.takeExchangePosition()
            let context = slot.context(consumingHandshake: true)
            emit(
                ExchangeMapper.exchange(unpaired: response, id: exchangeCount, position: position, connection: context)
            )
        case .http1(.diagnostic(let diagnostic)):
            report(diagnostic.diagnostic(connectionID: slot.info.id))
        case .http1(.tunnelOpened), .http1(.tunnelData), .http1(.tunnelGap), .http1(.tunnelClosed):
            break  // handled inside the stack
        case .http2(.exchange(let exchange)):
            let position = slot.takeExchangePosition()
            let context = slot.context(consumingHandshake: true)
            emit(ExchangeMapper.exchange(from: exchange, id: exchangeCount, index: position, connection: context))
        case .http2(.diagnostic(let diagnostic)):
            report(diagnostic.diagnostic(connectionID: slot.info.id))
        }
    }

    private mutating func emit(_ exchange: Exchange) {
        exchangeCount += 1
        observer.exchange(exchange)
    }
}

/// What the session tracks for one open connection.
final class ConnectionSlot {
    let info: TCPConnectionInfo
    /// Unchecked: only the dispatcher's calls touch it, one at a time, and a dynamic exclusivity
    /// check on every delivery cost more than the delivery to an opaque stack itself.
    @exclusivity(unchecked) var analyzer: StreamAnalyzer
    /// The outermost protocol recognised (HTTP/1 stays the answer even after a CONNECT tunnel).
    private(set) var applicationProtocol: ApplicationProtocol = .none
    private var synTime: Timestamp?
    private var handshake: HandshakeTiming?
    private var handshakeGiven = false
    /// Exchanges reported on the connection so far, at every layer (a CONNECT tunnel's included).
    private var exchangeCount = 0

    init(info: TCPConnectionInfo, keepsBodies: Bool, parsesMessages: Bool) {
        self.info = info
        self.analyzer = .start(
            midStream: info.roleSource != .handshake,
            keepsBodies: keepsBodies,
            parsesMessages: parsesMessages
        )
    }

    func note(_ event: TCPEvent) {
        switch event.kind {
        case .syn: synTime = event.timestamp
        case .handshakeComplete:
            if let synTime { handshake = HandshakeTiming(synTime: synTime, completedTime: event.timestamp) }
        default: break
        }
    }

    func noteProtocol(_ found: ApplicationProtocol) {
        if applicationProtocol == .none || applicationProtocol == .unknown {
            applicationProtocol = found
        }
    }

    /// The next exchange's position on the connection, in the order exchanges are reported: requests
    /// in the order sent, a response without a request where it came, tunnelled exchanges after the
    /// CONNECT that opened the tunnel.
    func takeExchangePosition() -> Int {
        defer { exchangeCount += 1 }
        return exchangeCount
    }

    /// The connection context for an exchange; the handshake goes to the first exchange only.
    func context(consumingHandshake: Bool) -> ConnectionContext {
        var context = ConnectionContext(id: info.id, client: info.client, server: info.server)
        if consumingHandshake, !handshakeGiven {
            context.handshake = handshake
            handshakeGiven = true
        }
        return context
    }
}
