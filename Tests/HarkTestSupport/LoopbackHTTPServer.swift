public import Foundation

/// `Tests/Fixtures/loopback/server.py`, the small HTTP/1.1 server the live tests capture on loopback.
public enum LoopbackHTTPServer {
    /// Starts the server on a port the kernel says is free, logging to `log`; returns once it answers.
    /// Stop it with `ToolProcess.kill`.
    public static func start(log: URL) throws -> (process: Process, port: Int) {
        let port = FreePort.next()
        let server = try ToolProcess.launch(
            "python3", [Fixtures.directory.appendingPathComponent("loopback/server.py").path, String(port)],
            log: log, waitFor: "ready"
        )
        return (server, port)
    }
}
