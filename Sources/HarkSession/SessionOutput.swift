import HarkCore
import HarkModel

/// The end of a session's pipeline: numbers exchanges and messages, links HTTP exchanges with the
/// FastCGI exchanges that served them (`HopLinker`), counts, and calls the observer.
///
/// It takes events in the session's one order (capture order, and within a packet the order the
/// single-threaded pipeline makes them in), so whatever it decides across connections is the same
/// however many threads analysed them.
struct SessionOutput: AnalysisSink {
    var observer: any SessionObserver
    /// The capture's name, for diagnostics.
    let captureName: String
    /// Whether messages are parsed: without, no exchange is reported.
    let parsesMessages: Bool
    private(set) var exchangeCount = 0
    private(set) var messageCount = 0
    private(set) var diagnosticCount = 0
    /// Links client HTTP exchanges with the FastCGI exchanges that served them.
    private var hops = HopLinker()
    /// Per connection switched to another protocol: the `Exchange.id` of each exchange that switched it,
    /// by the HTTP/2 stream it switched (RFC 8441), or nil for the whole connection (an HTTP/1 upgrade).
    private var switchingExchanges: [Int: [Int?: Int]] = [:]
    /// Connections whose roles were found the other way round from reassembly's (`rolesSwapped`).
    private var swappedConnections = Set<Int>()

    init(observer: any SessionObserver, captureName: String, parsesMessages: Bool) {
        self.observer = observer
        self.captureName = captureName
        self.parsesMessages = parsesMessages
    }

    mutating func take(_ event: AnalysisEvent) {
        switch event {
        case .detected(let found):
            hops.noteProtocol(found)
        case .exchange(let exchange):
            emit(exchange)
        case .preparedExchange(let exchange, let prepared):
            emit(exchange, prepared: prepared)
        case .switched(let exchange):
            let id = emit(exchange)
            switchingExchanges[exchange.connection.id, default: [:]][exchange.streamID] = id
        case .fastCGI(let exchange):
            if parsesMessages, let now = hops.fastCGI(exchange) { emit(now) }
        case .message(var message):
            message.id = messageCount
            message.exchangeID = switchingExchanges[message.connection.id]?[message.streamID.map(Int.init)]
            messageCount += 1
            observer.message(message)
        case .rolesSwapped(let connection):
            swappedConnections.insert(connection)
        case .diagnostic(let diagnostic):
            report(diagnostic)
        case .closed(let record):
            switchingExchanges[record.summary.info.id] = nil
            if !swappedConnections.isEmpty { swappedConnections.remove(record.summary.info.id) }
            observer.connectionClosed(record)
        }
    }

    /// Reports a TCP event, its direction named by the connection's roles as corrected so far.
    mutating func take(exchange: consuming Exchange) {
        emit(exchange)
    }

    mutating func report(_ event: TCPEvent) {
        guard !swappedConnections.isEmpty, swappedConnections.contains(event.connectionID) else {
            observer.tcpEvent(event)
            return
        }
        var swapped = event
        swapped.direction = event.direction.reversed
        observer.tcpEvent(swapped)
    }

    /// Reports one diagnostic, counting it.
    mutating func report(_ diagnostic: Diagnostic) {
        diagnosticCount += 1
        var located = diagnostic
        if located.file == nil { located.file = captureName }
        observer.diagnostic(located)
    }

    /// Reports the FastCGI exchanges held for a link whose wait is over at `now` (all of them for nil:
    /// the session ends).
    mutating func releaseHeldHops(now: Timestamp?) {
        guard hops.isHolding else { return }
        for exchange in hops.release(before: now) { emit(exchange) }
    }

    /// Reports an exchange under the next id, with what the observer's preparer made of it. An HTTP
    /// exchange a held FastCGI exchange served is reported right after it, both linked (and then
    /// without what was prepared before the link).
    ///
    /// - Returns: the id it was reported under.
    @discardableResult
    private mutating func emit(_ exchange: consuming Exchange, prepared: consuming (any Sendable)? = nil) -> Int {
        // Without message parsing only an upgrade is followed (to name the connection's protocol).
        guard parsesMessages else { return exchangeCount }
        exchange.id = exchangeCount
        // `seesFastCGI` asked first (`http(_:)` asks it too): passing the exchange costs a copy of it.
        if exchange.applicationProtocol != .fastCGI, hops.seesFastCGI, var upstream = hops.http(exchange) {
            prepared = nil
            upstream.id = exchangeCount
            exchange.id = exchangeCount + 1
            upstream.downstream = HopLinker.link(to: exchange, peer: exchange.connection.client)
            exchange.upstream = HopLinker.link(to: upstream, peer: upstream.connection.server)
            exchangeCount += 1
            observer.exchange(upstream)
        }
        exchangeCount += 1
        if exchange.applicationProtocol != .fastCGI, exchange.upstream == nil { hops.remember(exchange) }
        observer.exchange(exchange, prepared: prepared)
        return exchange.id
    }
}
