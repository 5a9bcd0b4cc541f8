import Foundation
import HarkTestSupport
import Testing

/// The recorded gRPC capture's live twin: runs the gRPC peer (`HARK_GRPC_PEER`, the binary that
/// `swift build -c release --package-path Tests/Peers/GRPCPeer` makes) on loopback under tcpdump, then
/// checks the capture against the client's log, as `GRPCCaptureTests` does for the recorded one.
struct GRPCLoopbackCaptureTests {
    static let peer = ProcessInfo.processInfo.environment["HARK_GRPC_PEER"]
    static let canRecord = peer.map { FileManager.default.isExecutableFile(atPath: $0) } == true && geteuid() == 0
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/tcpdump")

    @Test(.enabled(if: canRecord, "set HARK_GRPC_PEER to the built GRPCPeer; needs root and /usr/bin/tcpdump"))
    func liveCallsAreFoundAsTheClientLoggedThem() throws {
        let peer = try #require(Self.peer)
        let port = String(44000 + Int(getpid() % 7000))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-grpc-\(port)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = directory.appendingPathComponent("grpc.pcap")
        let log = directory.appendingPathComponent("calls.json")

        let server = try launch(peer, ["serve", port], in: directory, waitFor: "listening on")
        defer { kill(server.processIdentifier, SIGKILL) }
        let tcpdump = try launch(
            "/usr/bin/tcpdump", ["-i", "lo", "-U", "--immediate-mode", "-B", "65536", "-s", "0", "-w", capture.path, "tcp port \(port)"],
            in: directory, waitFor: "listening on"
        )
        defer { kill(tcpdump.processIdentifier, SIGKILL) }
        let client = try Process.run(URL(fileURLWithPath: peer), arguments: ["call", port, log.path])
        client.waitUntilExit()
        #expect(client.terminationStatus == 0)
        Thread.sleep(forTimeInterval: 0.5)
        // SIGKILL: the test runner may leave SIGINT and SIGTERM ignored; with -U every packet is written.
        kill(tcpdump.processIdentifier, SIGKILL)
        tcpdump.waitUntilExit()

        let (recorder, _) = try runSession(capture.path)
        try GRPCCaptureTests.expect(recorder, madeThe: try RecordedGRPCLog.load(log))
    }

    /// Starts a program with its output in a file (a pipe could fill up and stall it) and waits (at most
    /// 10 s) until that output shows `marker`.
    private func launch(_ program: String, _ arguments: [String], in directory: URL, waitFor marker: String) throws -> Process {
        let file = directory.appendingPathComponent("\(URL(fileURLWithPath: program).lastPathComponent).log")
        FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        var seen = ""
        while !seen.contains(marker), Date() < deadline, process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
            seen = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        }
        #expect(seen.contains(marker), "\(program) did not start: \(seen)")
        return process
    }
}
