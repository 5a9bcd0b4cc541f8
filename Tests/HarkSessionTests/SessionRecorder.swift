import Foundation
import HarkCapture
import HarkCore
import HarkModel
import HarkReassembly
import HarkSession
import HarkTestSupport
import NIOCore

/// Collects everything a session reports.
struct SessionRecorder: SessionObserver {
    var connections: [ConnectionRecord] = []
    var events: [TCPEvent] = []
    var diagnostics: [Diagnostic] = []
    var exchanges: [Exchange] = []
    var messages: [ConnectionMessage] = []

    mutating func exchange(_ exchange: Exchange) {
        exchanges.append(exchange)
    }

    mutating func message(_ message: ConnectionMessage) {
        messages.append(message)
    }

    mutating func connectionClosed(_ connection: ConnectionRecord) {
        connections.append(connection)
    }

    mutating func tcpEvent(_ event: TCPEvent) {
        events.append(event)
    }

    mutating func diagnostic(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    /// Connections sorted by id.
    var connectionsByID: [ConnectionRecord] {
        connections.sorted { $0.summary.info.id < $1.summary.info.id }
    }
}

/// Runs a capture file through a session.
func runSession(
    _ path: String,
    configuration: SessionConfiguration = SessionConfiguration()
) throws -> (SessionRecorder, SessionStatistics) {
    let reader = try CaptureReader(path: path)
    var recorder = SessionRecorder()
    let statistics = CaptureSession(reader: reader, configuration: configuration).run(observer: &recorder)
    return (recorder, statistics)
}

/// The session settings for a corpus capture: its key log (`NAME.keys`) when it has one, as tshark's
/// oracle was made with it.
func corpusConfiguration(_ capture: URL) -> SessionConfiguration {
    var configuration = SessionConfiguration()
    let keys = capture.deletingPathExtension().appendingPathExtension("keys")
    if FileManager.default.fileExists(atPath: keys.path) { configuration.keyLogPaths = [keys.path] }
    return configuration
}

/// Runs capture bytes held in memory through a session.
func runSession(
    bytes: [UInt8],
    name: String,
    configuration: SessionConfiguration = SessionConfiguration()
) throws -> (SessionRecorder, SessionStatistics) {
    let reader = try CaptureReader(bytes: ByteBuffer(bytes: bytes), name: name)
    var recorder = SessionRecorder()
    let statistics = CaptureSession(reader: reader, configuration: configuration).run(observer: &recorder)
    return (recorder, statistics)
}
