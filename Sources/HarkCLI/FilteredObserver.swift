import HarkCore
import HarkFilter
import HarkModel
import HarkReassembly
import HarkSession

/// Passes to `base` only the exchanges `filter` keeps; connections, TCP events and diagnostics go
/// through unchanged. The one place `--filter` is applied for every command that shows exchanges.
struct FilteredObserver<Base: SessionObserver>: SessionObserver {
    var base: Base
    let filter: Filter

    mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        base.connectionOpened(connection)
    }

    mutating func connectionClosed(_ connection: ConnectionRecord) {
        base.connectionClosed(connection)
    }

    mutating func tcpEvent(_ event: TCPEvent) {
        base.tcpEvent(event)
    }

    mutating func exchange(_ exchange: Exchange) {
        if filter.matches(exchange) { base.exchange(exchange) }
    }

    mutating func diagnostic(_ diagnostic: Diagnostic) {
        base.diagnostic(diagnostic)
    }

    mutating func progress(bytesRead: Int64) {
        base.progress(bytesRead: bytesRead)
    }
}
