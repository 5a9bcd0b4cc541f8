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
/// diagnostics always pass.
struct FilteredObserver<Base: SessionObserver>: SessionObserver {
    /// What an open connection's filter status is.
    private enum Pending {
        /// Not decided yet: its opening and events so far, in order.
        case held(TCPConnectionInfo?, [TCPEvent])
        /// Selected: its events pass at once.
        case selected
    }

    var base: Base
    let filter: Filter
    /// Whether there is a filter at all (without one everything passes at once).
    private let filters: Bool
    /// Whether TCP events are held for undecided connections (else they go to `base`, which ignores them).
    private let holdsTCPEvents: Bool
    /// Open connections whose upgrade exchange passed: all their messages pass too.
    private var upgradesKept: Set<Int> = []
    private var connections: [Int: Pending] = [:]

    /// - Parameters:
    ///   - base: what receives what passes.
    ///   - filter: the `--filter`.
    ///   - holdsTCPEvents: whether `base` shows TCP events (`trace --tcp`), so that they must be held
    ///     until their connection is decided; a base that ignores them gets them unheld.
    init(base: Base, filter: Filter, holdsTCPEvents: Bool = false) {
        self.base = base
        self.filter = filter
        self.filters = !filter.expression.isEmpty
        self.holdsTCPEvents = holdsTCPEvents
    }

    mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        guard filters else { return base.connectionOpened(connection) }
        connections[connection.id] = .held(connection, [])
    }

    mutating func connectionClosed(_ connection: ConnectionRecord) {
        let id = connection.summary.info.id
        upgradesKept.remove(id)
        guard filters else { return base.connectionClosed(connection) }
        if case .selected = connections[id] {
        } else if filter.matches(connection) {
            select(id)
        } else {
            connections[id] = nil
            return
        }
        connections[id] = nil
        base.connectionClosed(connection)
    }

    mutating func tcpEvent(_ event: TCPEvent) {
        guard filters, holdsTCPEvents else { return base.tcpEvent(event) }
        switch connections[event.connectionID] {
        case .selected: base.tcpEvent(event)
        case .held(let opened, var events):
            connections[event.connectionID] = nil  // one reference while appending
            events.append(event)
            connections[event.connectionID] = .held(opened, events)
        case nil:
            connections[event.connectionID] = .held(nil, [event])
        }
    }

    mutating func exchange(_ exchange: Exchange) {
        guard filter.matches(exchange) else { return }
        if exchange.switchedTo != nil { upgradesKept.insert(exchange.connection.id) }
        if filters { select(exchange.connection.id) }
        base.exchange(exchange)
    }

    mutating func message(_ message: ConnectionMessage) {
        guard upgradesKept.contains(message.connection.id) || filter.matches(message) else { return }
        if filters { select(message.connection.id) }
        base.message(message)
    }

    mutating func diagnostic(_ diagnostic: Diagnostic) {
        base.diagnostic(diagnostic)
    }

    mutating func progress(bytesRead: Int64) {
        base.progress(bytesRead: bytesRead)
    }

    /// Marks a connection selected, passing what was held for it.
    private mutating func select(_ id: Int) {
        let pending = connections.updateValue(.selected, forKey: id)
        guard case .held(let opened, let events)? = pending else { return }
        if let opened { base.connectionOpened(opened) }
        for event in events { base.tcpEvent(event) }
    }
}
