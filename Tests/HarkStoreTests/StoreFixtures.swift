import Foundation
import HarkCapture
import HarkCore
import HarkModel
import HarkSession
import HarkStore
import HarkTestSupport
import NIOCore

/// Collects what a session reports, to compare the store with.
struct Collector: SessionObserver {
    var exchanges: [Exchange] = []
    var events: [TCPEvent] = []
    var records: [ConnectionRecord] = []

    mutating func exchange(_ exchange: Exchange) { exchanges.append(exchange) }
    mutating func tcpEvent(_ event: TCPEvent) { events.append(event) }
    mutating func connectionClosed(_ connection: ConnectionRecord) { records.append(connection) }
}

/// Runs a corpus capture into a new store.
func storeRun(_ name: String, configuration: StoreConfiguration = StoreConfiguration(), keyLog: String? = nil) throws -> LiveStore {
    let store = LiveStore(configuration: configuration)
    var observer = StoreObserver(store: store)
    _ = CaptureSession(reader: try CaptureReader(path: Fixtures.corpus(name).path), configuration: session(keyLog))
        .run(observer: &observer)
    store.finish()
    return store
}

/// Runs a corpus capture into a collector.
func collectorRun(_ name: String, keyLog: String? = nil) throws -> Collector {
    var collector = Collector()
    _ = CaptureSession(reader: try CaptureReader(path: Fixtures.corpus(name).path), configuration: session(keyLog))
        .run(observer: &collector)
    return collector
}

private func session(_ keyLog: String?) -> SessionConfiguration {
    var configuration = SessionConfiguration()
    if let keyLog { configuration.keyLogPaths = [Fixtures.corpus(keyLog).path] }
    return configuration
}

extension BodyStorage {
    /// All bytes, for comparisons.
    var allBytes: [UInt8] { ((try? readAll()).map { Array($0.readableBytesView) }) ?? [] }
}
