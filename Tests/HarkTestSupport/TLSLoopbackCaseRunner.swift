import Foundation

/// Runs the recorder's cases one at a time with curl and checks each against what nginx logged.
/// Runs never overlap, so the access log and key log lines that appear during a run are that run's.
struct TLSLoopbackCaseRunner {
    typealias Case = TLSLoopbackRecorder.Case

    let server: TLSLoopbackServer
    let keyLog: URL
    /// Access log and key log lines already attributed to earlier runs.
    private var serverLogLinesSeen = 0
    private var keyLogLinesSeen = 0

    init(server: TLSLoopbackServer, keyLog: URL) {
        self.server = server
        self.keyLog = keyLog
    }

    /// Every access log line so far.
    func serverLog() throws -> [TLSLoopbackRecorder.ServerLogLine] {
        try lines(of: server.accessLog).map { try TLSLoopbackRecorder.ServerLogLine(parsing: $0[...]) }
    }

    /// Runs one case's requests in one curl invocation and checks the result.
    /// - Throws: `Failure` when curl fails, a body differs, or nginx's log disagrees with the case.
    mutating func run(_ testCase: Case, number: Int) throws -> TLSLoopbackRecorder.CaseRecording {
        let port = server.ports[testCase.server] ?? 0
        let outputs = testCase.requests.indices.map { server.file("case\(number)-response\($0).out") }
        defer { for output in outputs { try? FileManager.default.removeItem(at: output) } }
        let result = try ToolProcess.run(
            "curl",
            curlArguments(for: testCase, port: port, outputs: outputs),
            log: server.file("case\(number)-curl.log"),
            environment: ["SSLKEYLOGFILE": keyLog.path]
        )
        guard result.status == 0 else { throw failure(testCase, "curl exited with \(result.status): \(result.output)") }
        for (request, output) in zip(testCase.requests, outputs) {
            let received = (try? Data(contentsOf: output)) ?? Data()
            guard received == Data(request.responseBody.utf8) else {
                throw failure(testCase, "\(request.method) \(request.path): curl received \(received.count) bytes, not the expected body")
            }
        }

        let logged = try newServerLogLines(count: testCase.requests.count)
        try check(logged, against: testCase, port: port)
        let keyLines = try lines(of: keyLog)
        let newKeyLines = Array(keyLines.dropFirst(keyLogLinesSeen))
        keyLogLinesSeen = keyLines.count
        var clientPorts: [Int] = []
        for line in logged where !clientPorts.contains(line.clientPort) {
            clientPorts.append(line.clientPort)
        }
        return TLSLoopbackRecorder.CaseRecording(
            case: testCase, serverPort: port, serverLog: logged, clientPorts: clientPorts, keyLog: newKeyLines
        )
    }

    /// One curl command line for all of a case's requests, separated by `--next` (curl keeps the
    /// connection, and the TLS session, across them).
    private func curlArguments(for testCase: Case, port: Int, outputs: [URL]) -> [String] {
        var arguments = ["-q"]  // no ~/.curlrc
        for (index, (request, output)) in zip(testCase.requests, outputs).enumerated() {
            if index > 0 { arguments.append("--next") }
            arguments += ["--silent", "--show-error", "--fail", "--noproxy", "*", "--max-time", "10"]
            arguments += ["--cacert", server.certificateBundle.path] + testCase.curlArguments
            if request.acceptsGzip { arguments.append("--compressed") }
            if request.closesConnection { arguments += ["-H", "Connection: close"] }
            if request.body != nil {
                arguments += ["--data-binary", "@\(server.uploadFile.path)", "-H", "Content-Type: application/octet-stream"]
            }
            arguments += ["-o", output.path, "https://127.0.0.1:\(port)\(request.path)"]
        }
        return arguments
    }

    /// The access log lines written since the last run, once there are `count` of them. nginx logs a
    /// request just after sending its response, so the last line may come a moment after curl exits.
    private mutating func newServerLogLines(count: Int) throws -> [TLSLoopbackRecorder.ServerLogLine] {
        let deadline = Date().addingTimeInterval(2)
        var all = try lines(of: server.accessLog)
        while all.count < serverLogLinesSeen + count, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
            all = try lines(of: server.accessLog)
        }
        let new = all.dropFirst(serverLogLinesSeen)
        serverLogLinesSeen = all.count
        return try new.map { try TLSLoopbackRecorder.ServerLogLine(parsing: $0[...]) }
    }

    /// Checks nginx's lines for a run: one per request in order, each with the case's TLS version,
    /// cipher suite, HTTP version and server, and the connections (and resumption) the case implies.
    private func check(_ logged: [TLSLoopbackRecorder.ServerLogLine], against testCase: Case, port: Int) throws {
        guard logged.count == testCase.requests.count else {
            throw failure(testCase, "nginx logged \(logged.count) requests, not \(testCase.requests.count): \(logged)")
        }
        var connections: [Int] = []
        for (line, request) in zip(logged, testCase.requests) {
            if !connections.contains(line.clientPort) { connections.append(line.clientPort) }
            let resumed = testCase.resumesSession && connections.count > 1
            let expected = [
                ("request", "\(request.method) \(request.path)", "\(line.method) \(line.uri)"),
                ("status", String(request.status), String(line.status)),
                ("TLS version", testCase.tlsVersion.rawValue, line.tlsVersion),
                ("cipher", testCase.cipher, line.cipher),
                ("HTTP version", testCase.httpVersion.rawValue, line.httpVersion),
                ("server port", String(port), String(line.serverPort)),
                ("session reused", String(resumed), String(line.sessionReused)),
            ]
            for (what, wanted, got) in expected where wanted != got {
                throw failure(testCase, "\(request.method) \(request.path): nginx logged \(what) \(got), expected \(wanted)")
            }
        }
        guard connections.count == testCase.connectionCount else {
            throw failure(testCase, "\(connections.count) connections (client ports \(connections)), expected \(testCase.connectionCount)")
        }
    }

    private func failure(_ testCase: Case, _ message: String) -> TLSLoopbackRecorder.Failure {
        TLSLoopbackRecorder.Failure(description: "case \(testCase.name): \(message)")
    }

    /// A text file's non-empty lines.
    private func lines(of file: URL) throws -> [String] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
    }
}
