import HarkCore
import HarkFilter
import HarkModel
import HarkReassembly
import HarkSession

/// Passes to `base` only the exchanges `filter` keeps, and the messages it keeps or whose connection's
/// upgrade exchange it kept; connections, TCP events and diagnostics go through unchanged. The one
/// place `--filter` is applied for every command that shows exchanges.
struct FilteredObserver<Base: SessionObserver>: SessionObserver {
    var base: Base
    let filter: Filter
    /// Open connections whose upgrade exchange passed: all their messages pass too.
    private var upgradesKept: Set<Int> = []

    init(base: Base, filter: Filter) {
        self.base = base
        self.filter = filter
    }

    mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        base.connectionOpened(connection)
    }

    mutating func connectionClosed(_ connection: ConnectionRecord) {
        upgradesKept.remove(connection.summary.info.id)
        base.connectionClosed(connection)
    }

    mutating func tcpEvent(_ event: TCPEvent) {
        base.tcpEvent(event)
    }

    mutating func exchange(_ exchange: Exchange) {
        guard filter.matches(exchange) else { return }
        if exchange.switchedTo != nil { upgradesKept.insert(exchange.connection.id) }
        base.exchange(exchange)
    }

    mutating func message(_ message: ConnectionMessage) {
        if upgradesKept.contains(message.connection.id) || filter.matches(message) { base.message(message) }
    }

    mutating func diagnostic(_ diagnostic: Diagnostic) {
        base.diagnostic(diagnostic)
    }

    mutating func progress(bytesRead: Int64) {
        base.progress(bytesRead: bytesRead)
    }
}
