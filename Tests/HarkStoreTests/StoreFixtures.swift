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
    try storeRun(capture: Fixtures.corpus(name), keyLog: keyLog.map(Fixtures.corpus), configuration: configuration)
}

/// Runs a capture (read with `keyLog`, if any) into a new store.
func storeRun(capture: URL, keyLog: URL?, configuration: StoreConfiguration = StoreConfiguration()) throws -> LiveStore {
    let store = LiveStore(configuration: configuration)
    var observer = StoreObserver(store: store)
    _ = CaptureSession(reader: try CaptureReader(path: capture.path), configuration: session(keyLog))
        .run(observer: &observer)
    store.finish()
    return store
}

/// Runs a corpus capture into a collector.
func collectorRun(_ name: String, keyLog: String? = nil) throws -> Collector {
    try collectorRun(capture: Fixtures.corpus(name), keyLog: keyLog.map(Fixtures.corpus))
}

/// Runs a capture (read with `keyLog`, if any) into a collector.
func collectorRun(capture: URL, keyLog: URL?) throws -> Collector {
    var collector = Collector()
    _ = CaptureSession(reader: try CaptureReader(path: capture.path), configuration: session(keyLog))
        .run(observer: &collector)
    return collector
}

private func session(_ keyLog: URL?) -> SessionConfiguration {
    var configuration = SessionConfiguration()
    if let keyLog { configuration.keyLogPaths = [keyLog.path] }
    return configuration
}

extension BodyStorage {
    /// All bytes, for comparisons.
    var allBytes: [UInt8] { ((try? readAll()).map { Array($0.readableBytesView) }) ?? [] }
}
