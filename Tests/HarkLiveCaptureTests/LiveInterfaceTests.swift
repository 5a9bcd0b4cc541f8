import Foundation
import Glibc
import HarkTestSupport
import Testing

/// `hark … -i lo` while a real server on loopback answers curl: every exchange of the filtered port,
/// nothing of another, and complete output when Ctrl-C (SIGINT) ends the run.
@Suite(.serialized)
struct LiveInterfaceTests {
    static let canCapture: Bool =
        geteuid() == 0 && HarkBinary.url != nil && ["curl", "python3"].allSatisfy { ToolProcess.locate($0) != nil }
    static let requests = 200

    /// A loopback HTTP/1.1 server (Tests/Fixtures/loopback/server.py) on a free port.
    @Test(.enabled(if: canCapture, "needs root, curl, python3 and the hark executable (CI runs as root)"))
    func traceAndHAROnLoopbackSeeEveryExchangeOfThePortUntilCtrlC() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-live-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, port) = try LoopbackHTTPServer.start(log: directory.appendingPathComponent("server.log"))
        defer { ToolProcess.kill(server) }
        let (other, otherPort) = try LoopbackHTTPServer.start(log: directory.appendingPathComponent("other.log"))
        defer { ToolProcess.kill(other) }

        let filter = "tcp port \(port)"
        let traceErrors = directory.appendingPathComponent("trace.err")
        let trace = try HarkBinary.start(
            ["trace", "--json", "-i", "lo", "-f", filter], output: directory.appendingPathComponent("trace.out"), errors: traceErrors
        )
        defer { ToolProcess.kill(trace) }
        let harFile = directory.appendingPathComponent("live.har")
        let harErrors = directory.appendingPathComponent("har.err")
        let har = try HarkBinary.start(
            ["har", "-i", "lo", "-f", filter, "-o", harFile.path], output: directory.appendingPathComponent("har.out"), errors: harErrors
        )
        defer { ToolProcess.kill(har) }
        try ToolProcess.waitFor("listening on lo", in: traceErrors, of: trace)
        try ToolProcess.waitFor("listening on lo", in: harErrors, of: har)

        // 200 requests on one keep-alive connection, and some to the other server meanwhile.
        let urls = (0..<Self.requests).map { _ in "http://127.0.0.1:\(port)/cached" }
        let noise = try ToolProcess.start("curl", ["-s"] + Array(repeating: "http://127.0.0.1:\(otherPort)/cached", count: 20), log: directory.appendingPathComponent("noise.log"))
        let client = try ToolProcess.run("curl", ["-s"] + urls, log: directory.appendingPathComponent("curl.log"))
        noise.waitUntilExit()
        #expect(client.status == 0)
        #expect(client.output.components(separatedBy: "cached body").count - 1 == Self.requests, "the server answered every request")
        // Let the last packets reach both captures before Ctrl-C.
        waitUntil { (try? String(contentsOf: directory.appendingPathComponent("trace.out"), encoding: .utf8))?.components(separatedBy: "\"exchange\"").count ?? 0 > Self.requests }

        #expect(HarkBinary.interrupt(trace) == 0)
        #expect(HarkBinary.interrupt(har) == 0)

        let lines = try String(contentsOf: directory.appendingPathComponent("trace.out"), encoding: .utf8).split(separator: "\n")
        let exchanges = try lines.compactMap { line -> [String: Any]? in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["type"] as? String == "exchange" ? object : nil
        }
        #expect(exchanges.count == Self.requests)
        #expect(exchanges.allSatisfy { $0["server"] as? String == "127.0.0.1:\(port)" }, "nothing from port \(otherPort)")
        #expect(exchanges.allSatisfy { $0["status"] as? Int == 200 && $0["complete"] as? Bool == true })
        let traceStderr = try String(contentsOf: traceErrors, encoding: .utf8)
        #expect(traceStderr.contains("packets captured, none dropped"), "\(traceStderr)")

        let document = try Data(contentsOf: harFile)
        let log = try #require((try JSONSerialization.jsonObject(with: document) as? [String: Any])?["log"] as? [String: Any])
        let entries = try #require(log["entries"] as? [[String: Any]])
        #expect(entries.count == Self.requests)
        if HARValidator.isAvailable {
            let result = try HARValidator.validate(Array(document))
            #expect(result.status == 0, "\(result.errors)")
        }
    }

    @Test(.enabled(if: canCapture && ToolProcess.locate("tshark") != nil, "needs root, curl, python3, tshark and the hark executable"))
    func theFileWrittenWithDashWHoldsTheExchangesHarkAndTsharkSee() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-live-w-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, port) = try LoopbackHTTPServer.start(log: directory.appendingPathComponent("server.log"))
        defer { ToolProcess.kill(server) }
        let written = directory.appendingPathComponent("live.pcapng")
        let errors = directory.appendingPathComponent("trace.err")
        let output = directory.appendingPathComponent("trace.out")
        let trace = try HarkBinary.start(["trace", "--json", "-i", "lo", "-f", "tcp port \(port)", "-w", written.path], output: output, errors: errors)
        defer { ToolProcess.kill(trace) }
        try ToolProcess.waitFor("listening on lo", in: errors, of: trace)
        let paths = Array(repeating: "http://127.0.0.1:\(port)/cached", count: 20)
        #expect(try ToolProcess.run("curl", ["-s"] + paths, log: directory.appendingPathComponent("curl.log")).status == 0)
        waitUntil { (try? String(contentsOf: output, encoding: .utf8))?.components(separatedBy: "\"exchange\"").count ?? 0 > 20 }
        #expect(HarkBinary.interrupt(trace) == 0, "\((try? String(contentsOf: errors, encoding: .utf8)) ?? "")")

        let live = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").filter { $0.contains("\"type\":\"exchange\"") }
        #expect(live.count == 20)
        let harFile = directory.appendingPathComponent("again.har")
        let again = try HarkBinary.run(["har", "-o", harFile.path, written.path])
        #expect(again.status == 0, "\(again.errors)")
        let log = try #require((try JSONSerialization.jsonObject(with: Data(contentsOf: harFile)) as? [String: Any])?["log"] as? [String: Any])
        let entries = try #require(log["entries"] as? [[String: Any]])
        let fromHark = entries.map { entry in
            "\((entry["request"] as? [String: Any])?["url"] as? String ?? "") \((entry["response"] as? [String: Any])?["status"] as? Int ?? 0)"
        }
        #expect(fromHark.sorted() == paths.map { "\($0) 200" }.sorted(), "hark reads back what it saw live")

        let requests = try ToolProcess.run("tshark", ["-r", written.path, "-Y", "http.request", "-T", "fields", "-e", "http.request.full_uri"],
            log: directory.appendingPathComponent("tshark-requests.log"))
        let responses = try ToolProcess.run("tshark", ["-r", written.path, "-Y", "http.response", "-T", "fields", "-e", "http.response.code"],
            log: directory.appendingPathComponent("tshark-responses.log"))
        #expect(requests.status == 0 && responses.status == 0, "\(requests.output)")
        #expect(TsharkOutput.lines(requests.output) == paths, "tshark reads the same requests")
        #expect(TsharkOutput.lines(responses.output) == Array(repeating: "200", count: 20))
    }

    @Test(.enabled(if: HarkBinary.url != nil, "needs the hark executable"))
    func aMissingInterfaceIsNamedWithTheOnesThereAre() throws {
        let result = try HarkBinary.run(["trace", "-i", "hark-no-such-if0"])
        #expect(result.status != 0)
        #expect(result.errors.contains("no such interface 'hark-no-such-if0' (available: lo"), "\(result.errors)")
        #expect(result.errors.split(separator: "\n").count == 1, "one line: \(result.errors)")
    }

    @Test(.enabled(if: geteuid() == 0 && HarkBinary.url != nil && ToolProcess.locate("setpriv") != nil, "needs root (to drop it) and setpriv"))
    func withoutPrivilegesTheErrorSaysToUseSudo() throws {
        let hark = try #require(HarkBinary.url)
        let result = try HarkBinary.run(["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", hark.path, "trace", "-i", "lo"], executable: ToolProcess.locate("setpriv"))
        #expect(result.status != 0)
        #expect(result.errors.contains("needs root or CAP_NET_RAW: try sudo"), "\(result.errors)")
    }

    @Test(.enabled(if: HarkBinary.url != nil, "needs the hark executable"))
    func aBadCaptureFilterIsRejectedBeforeAnythingOpens() throws {
        let result = try HarkBinary.run(["trace", "-f", "tcp prot 80", "-i", "lo"])
        #expect(result.status != 0)
        #expect(result.errors.contains("capture filter 'tcp prot 80'"), "\(result.errors)")
        #expect(!result.errors.contains("listening"))
    }

    @Test(.enabled(if: HarkBinary.url != nil, "needs the hark executable"))
    func twoSourcesAtOnceAreRefused() throws {
        let result = try HarkBinary.run(["trace", "-i", "lo", Fixtures.corpus("http1-browse-bro-org.pcap").path])
        #expect(result.status != 0)
        #expect(result.errors.contains("choose one source"), "\(result.errors)")
    }

    private func waitUntil(timeout: Double = 10, _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
