import Foundation
import Glibc
import HarkTestSupport
import Testing

/// `--otlp` rides along with every command and source: the same spans whichever command reads a file,
/// standard input, and a live capture on loopback.
@Suite(.serialized) struct OTLPSourcesTests {
    static let capture = Fixtures.corpus("http1-browse-bro-org.pcap").path

    @Test(
        .enabled(if: OTLPReceiver.canRunHark, "needs python3 with opentelemetry-proto and the hark executable"),
        arguments: [["har", "-o", "/dev/null"], ["trace"], ["stats"], ["connections"], ["timeline", "-o", "/dev/null"]]
    )
    func everyCommandExportsEveryExchange(_ command: [String]) throws {
        let receiver = try OTLPReceiver()
        let run = try HarkBinary.run(command + [Self.capture, "--otlp", receiver.url])
        #expect(run.status == 0, "\(run.errors)")
        #expect(receiver.spans().count == 31, "\(command)")
        #expect(receiver.lastMetrics()["hark.http.requests"] != nil)
    }

    @Test(.enabled(if: OTLPReceiver.canRunHark, "needs python3 with opentelemetry-proto and the hark executable"))
    func standardInputExportsEveryExchange() throws {
        let receiver = try OTLPReceiver()
        let hark = try #require(HarkBinary.url)
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-stdin-\(getpid()).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let run = try ToolProcess.run("sh", ["-c", "\"$0\" stats - --otlp \"$1\" < \"$2\" > /dev/null", hark.path, receiver.url, Self.capture], log: log)
        #expect(run.status == 0, "\(run.output)")
        #expect(receiver.spans().count == 31)
    }

    static let canCapture = geteuid() == 0 && OTLPReceiver.canRunHark && ToolProcess.locate("curl") != nil

    @Test(.enabled(if: canCapture, "needs root, curl, python3 with opentelemetry-proto and the hark executable (CI runs as root)"))
    func aLiveCaptureExportsAsExchangesComplete() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-live-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, port) = try LoopbackHTTPServer.start(log: directory.appendingPathComponent("server.log"))
        defer { ToolProcess.kill(server) }
        let receiver = try OTLPReceiver()
        let errors = directory.appendingPathComponent("trace.err")
        let trace = try HarkBinary.start(
            ["trace", "-i", "lo", "-f", "tcp port \(port)", "--otlp", receiver.url], output: directory.appendingPathComponent("trace.out"),
            errors: errors
        )
        defer { ToolProcess.kill(trace) }
        try ToolProcess.waitFor("listening on lo", in: errors, of: trace)
        let client = try ToolProcess.run("curl", ["-s"] + Array(repeating: "http://127.0.0.1:\(port)/cached", count: 20), log: directory.appendingPathComponent("curl.log"))
        #expect(client.status == 0)
        // Spans leave while the capture runs (batches go out every half second), before Ctrl-C.
        let deadline = Date().addingTimeInterval(10)
        while receiver.spans().count < 20, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(receiver.spans().count == 20)
        #expect(HarkBinary.interrupt(trace) == 0)
        let spans = receiver.spans()
        #expect(spans.count == 20)
        // Loopback: both ends are this machine's, so the documented rule makes them CLIENT spans.
        #expect(spans.allSatisfy { $0["kind"] as? String == "SPAN_KIND_CLIENT" && $0["name"] as? String == "GET /cached" })
    }

    /// `-- CMD`: hark runs the command, watches only its traffic, and exports its exchanges before it
    /// exits with the command's status.
    @Test(.enabled(if: canCapture && ToolProcess.locate("nft") != nil, "needs root, nft, curl, python3 with opentelemetry-proto and the hark executable"))
    func aCommandsExchangesAreExported() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-command-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, port) = try LoopbackHTTPServer.start(log: directory.appendingPathComponent("server.log"))
        defer { ToolProcess.kill(server) }
        let receiver = try OTLPReceiver()
        let urls = Array(repeating: "http://127.0.0.1:\(port)/cached", count: 3)
        let run = try HarkBinary.run(["stats", "--otlp", receiver.url, "--", "curl", "-s", "-o", "/dev/null"] + urls)
        #expect(run.status == 0, "\(run.errors)")
        let spans = receiver.spans()
        #expect(spans.count == 3)
        #expect(spans.allSatisfy { $0["name"] as? String == "GET /cached" })
    }
}
