public import Foundation

/// Records real TLS traffic on loopback, one curl run per forced TLS version and cipher suite, with the
/// key log that decrypts it and nginx's own account of every request.
///
/// nginx serves two TLS servers (the second without encrypt_then_mac) with a self-signed RSA and a
/// self-signed ECDSA P-256 certificate; tcpdump captures both ports on `lo`; curl runs each `Case` with
/// `SSLKEYLOGFILE` set: three requests (a small text, a big gzip-compressed text, a 3 KB upload) on one
/// connection, or on two for the session resumption cases. Each run is checked: curl's exit status, the
/// bodies it received, and nginx's logged TLS version, cipher suite, HTTP version, statuses and
/// connections; anything unexpected throws `Failure`.
///
/// Needs root (tcpdump) and tcpdump, nginx, openssl and curl; check `canRecord` first.
///
/// ### Example
/// ```swift
/// @Test(.enabled(if: TLSLoopbackRecorder.canRecord))
/// func decryptsEverySuite() throws {
///     let recording = try TLSLoopbackRecorder.shared()
///     // run recording.capture with recording.keyLog; for each connection,
///     // recording.caseRecording(clientPort:) tells which suite it was forced to use.
/// }
/// ```
public enum TLSLoopbackRecorder {
    /// The tools a recording runs.
    public static let requiredTools = ["tcpdump", "nginx", "openssl", "curl"]

    /// Why this machine cannot record (not root, tools missing), or nil when it can.
    public static var unavailableReason: String? {
        RecordingPrerequisites.unavailableReason(tools: requiredTools)
    }

    /// Whether this machine can record: root, and every required tool installed.
    public static let canRecord = unavailableReason == nil

    /// The first of the two server ports `record` uses by default, chosen from the process id: a multiple
    /// of four in 10000–17999 (below Linux's ephemeral range, apart from the other loopback tests' ports),
    /// so that `defaultBasePort + 2` serves a second recording in the same process.
    public static var defaultBasePort: Int { 10000 + Int(getpid() % 2000) * 4 }

    /// One recording of `allCipherCases`, made on first use and shared by every caller in the process.
    /// Its directory, `hark-tls-loopback-<pid>` in the temporary directory, is removed when the process exits.
    /// - Throws: the first call's error, to every caller.
    public static func shared() throws -> Recording {
        try sharedRecording.get()
    }

    private static let sharedRecording = Result<Recording, any Error> {
        let directory = sharedDirectory()
        try? FileManager.default.removeItem(at: directory)
        atexit { try? FileManager.default.removeItem(at: sharedDirectory()) }
        return try record(cases: allCipherCases, directory: directory)
    }

    private static func sharedDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("hark-tls-loopback-\(getpid())")
    }

    /// Records `cases` one after the other into `directory` (created if needed; its path must stay short
    /// enough for a Unix socket, about 90 bytes).
    /// - Parameters:
    ///   - cases: the curl runs, each with distinct client connections.
    ///   - directory: where the capture, key log, certificates, nginx files and logs go.
    ///   - basePort: the standard server's port; the server without encrypt_then_mac uses the next one.
    ///     Recordings running at the same time need different ones.
    /// - Returns: the files and what each case used.
    /// - Throws: `Failure` when a tool is missing or fails, or a run's traffic is not what its case asks
    ///   for (another cipher suite, TLS or HTTP version, status, body, or connection count).
    public static func record(cases: [Case], directory: URL, basePort: Int = defaultBasePort) throws -> Recording {
        if let reason = unavailableReason { throw Failure(description: "cannot record: \(reason)") }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ports: [Server: Int] = [.standard: basePort, .withoutEncryptThenMac: basePort + 1]
        let server = TLSLoopbackServer(directory: directory, ports: ports)
        try server.prepare()
        let keyLog = directory.appendingPathComponent("keys.log")
        let capture = directory.appendingPathComponent("tls.pcap")
        for file in [keyLog, server.accessLog] {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        }

        let nginx = try server.start()
        defer { ToolProcess.kill(nginx) }
        try server.verifyEncryptThenMac()

        let tcpdumpLog = directory.appendingPathComponent("tcpdump.log")
        let filter = ports.values.sorted().map { "tcp port \($0)" }.joined(separator: " or ")
        // -Z root: tcpdump otherwise drops to its own user before creating the file in a root-owned directory.
        let tcpdump = try ToolProcess.launch(
            "tcpdump",
            ["-i", "lo", "-U", "--immediate-mode", "-B", "65536", "-s", "0", "-n", "-Z", "root", "-w", capture.path, filter],
            log: tcpdumpLog,
            waitFor: "listening on"
        )
        defer { ToolProcess.kill(tcpdump) }

        var runs: [CaseRecording] = []
        var runner = TLSLoopbackCaseRunner(server: server, keyLog: keyLog)
        for (number, testCase) in cases.enumerated() {
            runs.append(try runner.run(testCase, number: number))
        }
        ToolProcess.stopCapture(tcpdump, writing: capture)

        return Recording(
            directory: directory,
            capture: capture,
            keyLog: keyLog,
            serverLog: try runner.serverLog(),
            cases: runs,
            ports: ports
        )
    }
}
