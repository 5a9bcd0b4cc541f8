public import Foundation

/// Records a real WebSocket conversation on loopback: Python `websockets` (PyPI) as server and client,
/// permessage-deflate with context takeover, tcpdump capturing the port
/// (`Tests/Fixtures/loopback/websocket_pair.py` says what is sent). Needs root (tcpdump), python3 with
/// `websockets`; check `unavailableReason` first.
public enum WebSocketLoopbackRecorder {
    /// Why this machine cannot record, or nil when it can.
    public static var unavailableReason: String? {
        RecordingPrerequisites.unavailableReason(
            tools: ["tcpdump", "python3"],
            python: .init(modules: "websockets.asyncio.server") { hasWebsockets }
        )
    }

    private static let hasWebsockets = RecordingPrerequisites.pythonImports("websockets.asyncio.server")

    /// One data message as its sender sent it.
    public struct Sent: Sendable, Equatable {
        /// 1 text, 2 binary.
        public var opcode: Int
        /// The text, or the bytes in lowercase hex.
        public var payload: String

        public init(opcode: Int, payload: String) {
            self.opcode = opcode
            self.payload = payload
        }
    }

    /// One recording: the capture, the port, and what the script says was sent.
    public struct Recording: Sendable {
        public var capture: URL
        public var port: Int
        /// The `Sec-WebSocket-Extensions` the server answered.
        public var extensions: String
        /// Data messages in the order each side sent them.
        public var client: [Sent]
        public var server: [Sent]
        /// A time between the two halves of the conversation (seconds since the epoch).
        public var cutTime: Double
    }

    /// Records into `directory` (created).
    /// - Throws: `ToolProcess.Failure` when a tool is missing or the conversation fails.
    public static func record(directory: URL) throws -> Recording {
        if let reason = unavailableReason { throw ToolProcess.Failure(description: "cannot record: \(reason)") }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The server takes the lower port, as a port heuristic expects; the test renumbers it to check
        // the other case.
        let ports = [FreePort.next(), FreePort.next()].sorted()
        let port = ports[0]
        let capture = directory.appendingPathComponent("websocket.pcap")
        let tcpdump = try ToolProcess.launch(
            "tcpdump",
            ["-i", "lo", "-U", "--immediate-mode", "-B", "65536", "-s", "0", "-n", "-Z", "root", "-w", capture.path, "tcp port \(port)"],
            log: directory.appendingPathComponent("tcpdump.log"),
            waitFor: "listening on"
        )
        defer { ToolProcess.kill(tcpdump) }
        let manifest = directory.appendingPathComponent("manifest.json")
        let script = Fixtures.directory.appendingPathComponent("loopback/websocket_pair.py").path
        let result = try ToolProcess.run("python3", [script, "\(port)", "\(ports[1])", manifest.path], log: directory.appendingPathComponent("python.log"))
        guard result.status == 0 else { throw ToolProcess.Failure(description: "websocket_pair.py failed (\(result.status)): \(result.output)") }
        ToolProcess.stopCapture(tcpdump, writing: capture)

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: manifest)) as? [String: Any] ?? [:]
        let sent = json["sent"] as? [String: [[String: Any]]] ?? [:]
        func messages(_ side: String) -> [Sent] {
            (sent[side] ?? []).map { Sent(opcode: $0["opcode"] as? Int ?? 0, payload: ($0["text"] ?? $0["hex"]) as? String ?? "") }
        }
        return Recording(
            capture: capture,
            port: port,
            extensions: json["extensions"] as? String ?? "",
            client: messages("client"),
            server: messages("server"),
            cutTime: json["cut_time"] as? Double ?? 0
        )
    }
}
