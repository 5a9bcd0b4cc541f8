import Foundation
import HarkCore
import HarkModel
import HarkSession
import HarkTestSupport
import Testing

/// WebSocket over HTTP/2 recorded now, on loopback, with the real peer (Hypercorn and the h2 + wsproto
/// client of `Tests/Fixtures/loopback/h2_websocket.py`), read back and checked against the client's log
/// as the committed recording is (`H2WebSocketRecordingTests`).
struct H2WebSocketLoopbackTests {
    @Test(.enabled(if: H2WebSocketLoopbackRecorder.unavailableReason == nil, "\(H2WebSocketLoopbackRecorder.unavailableReason ?? "")"))
    func aFreshRecordingAgreesWithTheClientsLog() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-h2ws-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recording = try H2WebSocketLoopbackRecorder.record(directory: directory)
        let log = try JSONDecoder().decode(H2WebSocketLog.self, from: Data(contentsOf: recording.log))
        #expect(log.websockets.map(\.path) == ["/chat", "/plain"])
        #expect(log.websockets.first?.extensions?.hasPrefix("permessage-deflate") == true)

        let (recorder, _) = try runSession(recording.capture.path)
        #expect(recorder.diagnostics.isEmpty, "\(recorder.diagnostics)")
        #expect(recorder.connections.map(\.applicationProtocol) == [.http2])
        let connection = try #require(recorder.connections.first?.summary.info.id)
        try H2WebSocketChecks.check(recorder, connection: connection, log: log, scheme: "http", port: recording.port)
    }
}
