import HarkCore
import HarkFilter
import HarkModel
import HarkReassembly
import HarkSession

/// Passes to `base` only what `filter` keeps: the exchanges it keeps, the messages it keeps or whose
/// connection's upgrade exchange it kept, and the connections it selects with their TCP events. The one
/// place `--filter` is applied for every command that shows exchanges or connections.
///
/// A connection is selected when an exchange or message on it passes (so exchange fields select the
/// connections of the matching exchanges), or, when it closes, when the filter holds for the connection
/// itself (connection fields, HTTP fields counting as missing). Until it is decided, a connection's
/// opening (and, for a base that shows them, its TCP events) is held, then passed in order or dropped;
/// diagnostics always pass. Held events are bounded (``Limits``): past them, an undecided connection's
/// further events are counted instead, and a warning says how many were left out if it is selected.
struct FilteredObserver<Base: SessionObserver>: SessionObserver {
    /// What an open connection's filter status is.
    private enum Pending {
        /// Not decided yet: its opening and events so far, in order, and how many more were not kept.
        case held(TCPConnectionInfo?, [TCPEvent], leftOut: Int)
        /// Selected: its events pass at once.
        case selected
    }

    /// How many TCP events are held for undecided connections.
    struct Limits {
        /// Per connection: a connection's first 1,000 events (its setup and early trouble) are kept.
        var eventsPerConnection = 1_000
        /// In all: 200,000 events (about 10 MB).
        var events = 200_000
    }

    var base: Base
    let filter: Filter
    let limits: Limits
    /// Whether there is a filter at all (without one everything passes at once).
    private let filters: Bool
    /// Whether TCP events are held for undecided connections (else they go to `base`, which ignores them).
    private let holdsTCPEvents: Bool
    /// Open connections with upgrade exchanges that passed, by the HTTP/2 stream they switched (nil:
    /// the whole connection): all their messages pass too.
    private var upgradesKept: [Int: Set<Int?>] = [:]
    private var connections: [Int: Pending] = [:]
    /// Events held in all.
    private var heldEvents = 0

    /// - Parameters:
    ///   - base: what receives what passes.
    ///   - filter: the `--filter`.
    ///   - holdsTCPEvents: whether `base` shows TCP events (`trace --tcp`), so that they must be held
    ///     until their connection is decided; a base that ignores them gets them unheld.
    ///   - limits: how many events are held while connections are undecided.
    init(base: Base, filter: Filter, holdsTCPEvents: Bool = false, limits: Limits = Limits()) {
        self.base = base
        self.filter = filter
        self.limits = limits
        self.filters = !filter.expression.isEmpty
        self.holdsTCPEvents = holdsTCPEvents
    }

    mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        guard filters else { return base.connectionOpened(connection) }
        connections[connection.id] = .held(connection, [], leftOut: 0)
    }

    mutating func connectionClosed(_ connection: ConnectionRecord) {
        let id = connection.summary.info.id
        upgradesKept[id] = nil
        guard filters else { return base.connectionClosed(connection) }
        if case .selected = connections[id] {
        } else if filter.matches(connection) {
            select(id)
        } else {
            if case .held(_, let events, _)? = connections.removeValue(forKey: id) { heldEvents -= events.count }
            return
        }
        connections[id] = nil
        base.connectionClosed(connection)
    }

    mutating func tcpEvent(_ event: TCPEvent) {
        guard filters, holdsTCPEvents else { return base.tcpEvent(event) }
        switch connections[event.connectionID] {
        case .selected: base.tcpEvent(event)
        case .held(let opened, var events, let leftOut):
            connections[event.connectionID] = nil  // one reference while appending
            if events.count < limits.eventsPerConnection, heldEvents < limits.events {
                events.append(event)
                heldEvents += 1
                connections[event.connectionID] = .held(opened, events, leftOut: leftOut)
            } else {
                connections[event.connectionID] = .held(opened, events, leftOut: leftOut + 1)
            }
        case nil:
            let kept = heldEvents < limits.events
            if kept { heldEvents += 1 }
            connections[event.connectionID] = .held(nil, kept ? [event] : [], leftOut: kept ? 0 : 1)
        }
    }

    /// The base's: the filter is applied to the exchange when it reaches `exchange(_:prepared:)`.
    var exchangePreparer: (any ExchangePreparer)? { base.exchangePreparer }

    mutating func exchange(_ exchange: Exchange) {
        self.exchange(exchange, prepared: nil)
    }

    mutating func exchange(_ exchange: Exchange, prepared: (any Sendable)?) {
        guard filter.matches(exchange) else { return }
        if exchange.switchedTo != nil { upgradesKept[exchange.connection.id, default: []].insert(exchange.streamID) }
        if filters { select(exchange.connection.id) }
        base.exchange(exchange, prepared: prepared)
    }

    mutating func message(_ message: ConnectionMessage) {
        guard upgradesKept[message.connection.id]?.contains(message.streamID.map(Int.init)) == true
            || filter.matches(message)
        else { return }
        if filters { select(message.connection.id) }
        base.message(message)
    }

    mutating func diagnostic(_ diagnostic: Diagnostic) {
        base.diagnostic(diagnostic)
    }

    mutating func progress(bytesRead: Int64) {
        base.progress(bytesRead: bytesRead)
    }

    mutating func clock(_ now: Timestamp) {
        base.clock(now)
    }

    mutating func captureEnded() {
        base.captureEnded()
    }

    /// Marks a connection selected, passing what was held for it.
    private mutating func select(_ id: Int) {
        let pending = connections.updateValue(.selected, forKey: id)
        guard case .held(let opened, let events, let leftOut)? = pending else { return }
        heldEvents -= events.count
        if let opened { base.connectionOpened(opened) }
        for event in events { base.tcpEvent(event) }
        if leftOut > 0 {
            base.diagnostic(Diagnostic(
                .warning,
                "connection #\(id): \(leftOut) TCP event(s) before --filter selected it were left out (at most "
                    + "\(limits.eventsPerConnection) per connection and \(limits.events) in all are held while undecided)",
                connectionID: id
            ))
        }
    }
}
