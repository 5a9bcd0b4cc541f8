import Foundation
import Glibc
import HarkTestSupport

/// Real programs on loopback for the process-capture tests: a python HTTP server that forks a worker
/// per connection, and a python client that holds a keep-alive connection open across the moment hark
/// attaches. Ports are the OS's choice.
struct LoopbackServers {
    let directory: URL

    /// A scratch directory under $TMPDIR, removed by `remove()`.
    static func make() throws -> LoopbackServers {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-proc-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let servers = LoopbackServers(directory: directory)
        try Data(PythonHTTPServer.forkingScript.utf8).write(to: servers.file("server.py"))
        try Data(heldClient.utf8).write(to: servers.file("client.py"))
        return servers
    }

    func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Starts a forking HTTP server on `host` (127.0.0.1 or ::1, or an address of `namespace`), in the
    /// network namespace `namespace` when one is given; returns it and its port.
    func startServer(_ name: String, host: String = "127.0.0.1", namespace: String? = nil) throws -> (process: Process, port: Int) {
        let log = file("\(name).log")
        let server = ["python3", file("server.py").path, host]
        // `ip netns exec` runs the server in its place: the process is the server's.
        let command = namespace.map { ["ip", "netns", "exec", $0] + server } ?? server
        let process = try ToolProcess.launch(command[0], Array(command.dropFirst()), log: log, waitFor: PythonHTTPServer.readyMarker)
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard let port = PythonHTTPServer.port(in: text) else {
            ToolProcess.kill(process)
            throw ServerFailure(description: "no port in \(text)")
        }
        return (process, port)
    }

    /// Starts a client that sends `GET /before` on a keep-alive connection, then waits until `go()`
    /// before sending `GET /after` on the same connection.
    func startHeldClient(port: Int) throws -> Process {
        try ToolProcess.launch(
            "python3", [file("client.py").path, "\(port)", file("go").path], log: file("client.log"), waitFor: "before 200")
    }

    /// Lets the held client send its second request, and waits for its answer.
    func releaseHeldClient(_ client: Process) throws {
        FileManager.default.createFile(atPath: file("go").path, contents: Data())
        try ToolProcess.waitFor("after 200", in: file("client.log"), of: client)
    }

    /// `curl` to `http://HOST:port/path`; returns the status it printed.
    func curl(port: Int, path: String, host: String = "127.0.0.1") throws -> String {
        let result = try ToolProcess.run(
            "curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://\(host):\(port)\(path)"],
            log: file("curl-\(port).log"))
        return result.output
    }

    static let heldClient = """
        import http.client, os, sys, time
        connection = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
        connection.request("GET", "/before")
        response = connection.getresponse()
        response.read()
        print("before", response.status, flush=True)
        while not os.path.exists(sys.argv[2]):
            time.sleep(0.02)
        connection.request("GET", "/after")
        response = connection.getresponse()
        response.read()
        print("after", response.status, flush=True)
        time.sleep(30)
        """
}

/// A server that did not say its port.
struct ServerFailure: Error, CustomStringConvertible {
    var description: String
}
