import Foundation
import HarkCapture
import HarkCore
import HarkFormat
import HarkHAR
import HarkModel
import HarkSession
import HarkTestSupport
import NIOCore
import Testing

/// Records real traffic on loopback (a Python HTTP/1.1 server, curl as the client, tcpdump capturing)
/// and checks that hark finds every exchange with the right framing, bodies and statuses.
struct LoopbackCaptureTests {
    static let tools = ["tcpdump", "curl", "python3"]
    static let canRecord: Bool = geteuid() == 0 && tools.allSatisfy { (try? HARValidator.run(["which", $0]).status) == 0 }

    static let page = "<html><body>" + String(repeating: "hark loopback test line\n", count: 200) + "</body></html>"

    @Test(.enabled(if: canRecord, "needs root, tcpdump, curl and python3 (installed by .ci/run)"))
    func recordedTrafficIsDecodedCompletely() throws {
        let port = FreePort.next()
        let base = "http://127.0.0.1:\(port)"
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("hark-loopback-\(port).pcap")
        defer { try? FileManager.default.removeItem(at: capture) }

        let serverLog = capture.appendingPathExtension("server.log")
        let tcpdumpLog = capture.appendingPathExtension("tcpdump.log")
        defer { for log in [serverLog, tcpdumpLog] { try? FileManager.default.removeItem(at: log) } }
        let server = try ToolProcess.launch(
            "python3", [Fixtures.directory.appendingPathComponent("loopback/server.py").path, String(port)],
            log: serverLog, waitFor: "ready"
        )
        defer { ToolProcess.kill(server) }
        let tcpdump = try ToolProcess.launch(
            "tcpdump", ["-i", "lo", "-U", "--immediate-mode", "-B", "65536", "-s", "0", "-w", capture.path, "tcp", "port", String(port)],
            log: tcpdumpLog, waitFor: "listening on"
        )
        defer { ToolProcess.kill(tcpdump) }

        let upload = String(repeating: "x", count: 5000)
        let requests: [[String]] = [
            ["-s", "-o", "/dev/null", "\(base)/page", "-H", "Accept-Encoding: gzip", "\(base)/gzip", "\(base)/chunked"],
            ["-s", "-o", "/dev/null", "--data-binary", upload, "-H", "Content-Type: text/plain", "\(base)/upload"],
            ["-s", "-o", "/dev/null", "-I", "\(base)/page"],
            ["-s", "-o", "/dev/null", "-H", "If-None-Match: \"v1\"", "\(base)/cached"],
            ["-s", "-o", "/dev/null", "\(base)/missing"],
        ]
        for arguments in requests {
            let status = try HARValidator.run(["curl"] + arguments).status
            #expect(status == 0)
        }
        ToolProcess.stopCapture(tcpdump, writing: capture)

        let (recorder, statistics) = try runSession(capture.path)
        #expect(statistics.frames > 20)
        let byPath = Dictionary(grouping: recorder.exchanges) { "\($0.request.method) \($0.request.target)" }
        #expect(recorder.exchanges.count == 7)
        #expect(recorder.connections.count == 5, "one connection per curl run")

        let plain = try #require(byPath["GET /page"]?.first?.response)
        #expect(plain.status.rawValue == 200)
        #expect(plain.body.content.text == Self.page)

        let gzipped = try #require(byPath["GET /gzip"]?.first?.response)
        #expect(gzipped.body.contentCodings == ["gzip"])
        #expect(gzipped.body.content.text == Self.page, "gzip body decoded")
        #expect(gzipped.body.length < Self.page.utf8.count, "the wire carried the compressed form")

        let chunked = try #require(byPath["GET /chunked"]?.first?.response)
        #expect(chunked.body.content.text == "first chunk\nsecond chunk\nthird chunk\n")
        #expect(chunked.body.wireBytes > chunked.body.length, "chunk framing counted on the wire")

        let post = try #require(byPath["POST /upload"]?.first)
        #expect(post.request.body.length == 5000)
        #expect(post.response?.status.rawValue == 201)
        let postReply = post.response.map { $0.body.content.text }
        #expect(postReply == "received 5000 bytes\n")

        let head = try #require(byPath["HEAD /page"]?.first?.response)
        #expect(head.status.rawValue == 200)
        #expect(head.headers.first("Content-Length") == String(Self.page.utf8.count))
        #expect(head.body.length == 0, "a HEAD response has no body whatever its Content-Length")

        #expect(byPath["GET /cached"]?.first?.response?.status.rawValue == 304)
        #expect(byPath["GET /missing"]?.first?.response?.status.rawValue == 404)
        let allComplete = recorder.exchanges.allSatisfy { $0.isComplete }
        #expect(allComplete)

        // The same exchanges as HAR validate against the schema.
        let spool = try HARSortingSpool(log: HARLog(creator: HARCreator(name: "hark", version: "test")))
        for exchange in recorder.exchanges { try spool.add(HAREntry(exchange: exchange)) }
        let sink = MemorySink()
        try spool.finish(to: sink)
        if HARValidator.isAvailable {
            let result = try HARValidator.validate(sink.bytes)
            #expect(result.status == 0, "\(result.errors)")
        }
    }
}
