public import Foundation

/// A small HTTP server for tests that need real traffic on loopback: python's `http.server`, forking a
/// worker per connection, answering every GET with `hello PATH` as `text/plain`. Run it as
/// `python3 server.py HOST` (127.0.0.1 or ::1); it prints `port N ready` once listening on a port the kernel chose.
public enum PythonHTTPServer {
    public static let forkingScript = """
        import http.server, socket, socketserver, sys
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_GET(self):
                body = ("hello " + self.path + "\\n").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        class Server(socketserver.ForkingMixIn, http.server.HTTPServer):
            address_family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
        server = Server((sys.argv[1], 0), Handler)
        print(f"port {server.server_address[1]} ready", flush=True)
        server.serve_forever()
        """

    /// Starts the forking server on `host` with its script and log in `directory`; the process and
    /// the port it listens on.
    public static func start(in directory: URL, host: String = "127.0.0.1") throws -> (process: Process, port: Int) {
        let script = directory.appendingPathComponent("server.py")
        try forkingScript.write(to: script, atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("server.log")
        let server = try ToolProcess.launch("python3", [script.path, host], log: log, waitFor: readyMarker)
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard let port = port(in: text) else {
            ToolProcess.kill(server)
            throw ToolProcess.Failure(description: "the server said no port: \(text)")
        }
        return (server, port)
    }

    /// What the server prints last on its `port N ready` line: waiting for it rather than for `port `
    /// never reads the line before its number (a reader polling the log once saw only `port `).
    public static let readyMarker = " ready"

    /// The port of the server's `port N ready` line in its log's `text`, nil when there is none.
    public static func port(in text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("port ") && line.hasSuffix(readyMarker) {
            return Int(line.dropFirst(5).dropLast(readyMarker.count))
        }
        return nil
    }
}
