import HarkCore
import HarkModel
import HarkStore

/// Fills a store and also reports each diagnostic on standard error as it comes, as every other command
/// does, for the views that run in the browser while the terminal stays free.
struct ReportingStoreObserver: SessionObserver {
    var base: StoreObserver
    let diagnostics: DiagnosticReporter

    var wantsPacketFacts: Bool { base.wantsPacketFacts }

    mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        base.connectionOpened(connection)
    }

    mutating func connectionClosed(_ connection: ConnectionRecord) {
        base.connectionClosed(connection)
    }

    mutating func tcpEvent(_ event: TCPEvent) {
        base.tcpEvent(event)
    }

    mutating func packet(_ fact: PacketFact) {
        base.packet(fact)
    }

    mutating func exchange(_ exchange: Exchange) {
        base.exchange(exchange)
    }

    mutating func message(_ message: ConnectionMessage) {
        base.message(message)
    }

    mutating func diagnostic(_ diagnostic: Diagnostic) {
        diagnostics.report(diagnostic)
        base.diagnostic(diagnostic)
    }

    mutating func progress(bytesRead: Int64) {
        base.progress(bytesRead: bytesRead)
    }
}
