public import Foundation

/// Records WebSocket over HTTP/2 (RFC 8441) on loopback, as `Scripts/record-h2-websocket` does for the
/// committed recording: Hypercorn (PyPI) serving `Tests/Fixtures/loopback/h2_websocket.py`'s echo app
/// over h2c, the script's h2 + wsproto client, tcpdump capturing the port. Needs root (tcpdump) and
/// python3 with `hypercorn` (< 0.18), `h2` and `wsproto`; check `unavailableReason` first.
public enum H2WebSocketLoopbackRecorder {
    /// Why this machine cannot record, or nil when it can.
    public static var unavailableReason: String? {
        RecordingPrerequisites.unavailableReason(
            tools: ["tcpdump", "python3"],
            python: .init(modules: "hypercorn.asyncio, h2, wsproto") { hasPeer }
        )
    }

    private static let hasPeer = RecordingPrerequisites.pythonImports("hypercorn.asyncio, h2, wsproto")

    /// One recording: the capture, the server's port and the client's log (JSON, see the script).
    public struct Recording: Sendable {
        public var capture: URL
        public var port: Int
        public var log: URL
    }

    /// Records into `directory` (created).
    /// - Throws: `ToolProcess.Failure` when a tool is missing, the server does not start or the client fails.
    public static func record(directory: URL) throws -> Recording {
        if let reason = unavailableReason { throw ToolProcess.Failure(description: "cannot record: \(reason)") }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = Fixtures.directory.appendingPathComponent("loopback/h2_websocket.py").path
        let port = FreePort.next()
        let serverLog = directory.appendingPathComponent("hypercorn.log")
        let server = try ToolProcess.start("python3", [script, "serve", "\(port)"], log: serverLog)
        defer { ToolProcess.kill(server) }
        try ToolProcess.waitForListener(on: port, log: serverLog, of: server, timeout: 20)
        let capture = directory.appendingPathComponent("h2-websocket.pcap")
        let tcpdump = try ToolProcess.launch(
            "tcpdump",
            ["-i", "lo", "-U", "--immediate-mode", "-B", "65536", "-s", "0", "-n", "-Z", "root", "-w", capture.path, "tcp port \(port)"],
            log: directory.appendingPathComponent("tcpdump.log"),
            waitFor: "listening on"
        )
        defer { ToolProcess.kill(tcpdump) }
        let log = directory.appendingPathComponent("client.json")
        let result = try ToolProcess.run("python3", [script, "client", "\(port)", log.path], log: directory.appendingPathComponent("client.log"))
        guard result.status == 0 else {
            let served = (try? String(contentsOf: serverLog, encoding: .utf8)) ?? ""
            throw ToolProcess.Failure(description: "h2_websocket.py client failed (\(result.status)): \(result.output)\nserver: \(served)")
        }
        ToolProcess.stopCapture(tcpdump, writing: capture)
        return Recording(capture: capture, port: port, log: log)
    }
}
