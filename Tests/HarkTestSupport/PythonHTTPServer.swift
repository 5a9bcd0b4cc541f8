public import Foundation

/// A small HTTP server for tests that need real traffic on loopback: python's `http.server`, forking a
/// worker per connection, answering every GET with `hello PATH` as `text/plain`. Run it as
/// `python3 server.py HOST` (127.0.0.1 or ::1); it prints `port N` once listening on a port the kernel chose.
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
        print("port", server.server_address[1], flush=True)
        server.serve_forever()
        """

    /// Starts the forking server on `host` with its script and log in `directory`; the process and
    /// the port it listens on.
    public static func start(in directory: URL, host: String = "127.0.0.1") throws -> (process: Process, port: Int) {
        let script = directory.appendingPathComponent("server.py")
        try forkingScript.write(to: script, atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("server.log")
        let server = try ToolProcess.launch("python3", [script.path, host], log: log, waitFor: "port ")
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard let port = text.split(separator: "\n").first(where: { $0.hasPrefix("port ") }).flatMap({ Int($0.dropFirst(5)) }) else {
            ToolProcess.kill(server)
            throw ToolProcess.Failure(description: "the server said no port: \(text)")
        }
        return (server, port)
    }
}
