import Foundation
import HarkCapture
import HarkModel
import HarkSession

/// Collects the exchanges and connections a session reports.
struct CorpusCollector: SessionObserver {
    var exchanges: [Exchange] = []
    var connections: [ConnectionRecord] = []

    mutating func exchange(_ exchange: Exchange) {
        exchanges.append(exchange)
    }

    mutating func connectionClosed(_ connection: ConnectionRecord) {
        connections.append(connection)
    }
}

/// Runs a capture file through a session.
func collect(_ capture: URL) throws -> CorpusCollector {
    var collector = CorpusCollector()
    _ = CaptureSession(reader: try CaptureReader(path: capture.path)).run(observer: &collector)
    return collector
}
