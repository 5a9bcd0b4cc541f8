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
        let port = String(FreePort.next())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-grpc-\(port)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = directory.appendingPathComponent("grpc.pcap")
        let log = directory.appendingPathComponent("calls.json")

        let server = try ToolProcess.launch(peer, ["serve", port], log: directory.appendingPathComponent("server.log"), waitFor: "listening on")
        defer { ToolProcess.kill(server) }
        let tcpdump = try ToolProcess.launch(
            "/usr/bin/tcpdump", ["-i", "lo", "-U", "--immediate-mode", "-B", "65536", "-s", "0", "-w", capture.path, "tcp port \(port)"],
            log: directory.appendingPathComponent("tcpdump.log"), waitFor: "listening on"
        )
        defer { ToolProcess.kill(tcpdump) }
        let client = try Process.run(URL(fileURLWithPath: peer), arguments: ["call", port, log.path])
        client.waitUntilExit()
        #expect(client.terminationStatus == 0)
        ToolProcess.stopCapture(tcpdump, writing: capture)

        let (recorder, _) = try runSession(capture.path)
        try GRPCCaptureTests.expect(recorder, madeThe: try RecordedGRPCLog.load(log))
    }
}
