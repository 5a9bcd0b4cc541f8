import Foundation
import HarkCore
import HarkModel
import HarkSession
import HarkTestSupport
import NIOCore
import Testing

/// Records real HTTP/2 on loopback and checks that hark finds every stream: nghttpd serves a small
/// directory with prior knowledge (h2load keeps ten streams open on one connection), nghttpx in front
/// of a second nghttpd takes an `Upgrade: h2c` from nghttp (nghttpd itself does not upgrade).
struct HTTP2LoopbackCaptureTests {
    static let tools = ["tcpdump", "nghttpd", "nghttpx", "nghttp", "h2load"]
    static let canRecord: Bool = geteuid() == 0 && tools.allSatisfy { tool in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/which")
        process.arguments = [tool]
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    static let files = [
        "file.txt": String(repeating: "hark h2 loopback line\n", count: 300),
        "data.json": #"{"name":"hark","streams":[1,3,5],"nested":{"ok":true}}"# + "\n",
    ]

    @Test(.enabled(if: canRecord, "needs root, tcpdump, nghttpd, nghttpx, nghttp and h2load (installed by .ci/run)"))
    func recordedStreamsAreDecodedCompletely() throws {
        let direct = FreePort.next()
        let front = FreePort.next()
        let backend = FreePort.next()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-h2-\(direct)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let htdocs = directory.appendingPathComponent("htdocs")
        try FileManager.default.createDirectory(at: htdocs, withIntermediateDirectories: true)
        for (name, content) in Self.files {
            try Data(content.utf8).write(to: htdocs.appendingPathComponent(name))
        }
        let capture = directory.appendingPathComponent("h2.pcap").path

        let server = try ToolProcess.launch("nghttpd", ["-v", "--no-tls", "-a", "127.0.0.1", "-d", htdocs.path, String(direct)], log: directory.appendingPathComponent("\(UUID().uuidString).log"), waitFor: "listen")
        defer { ToolProcess.kill(server) }
        let origin = try ToolProcess.launch("nghttpd", ["-v", "--no-tls", "-a", "127.0.0.1", "-d", htdocs.path, String(backend)], log: directory.appendingPathComponent("\(UUID().uuidString).log"), waitFor: "listen")
        defer { ToolProcess.kill(origin) }
        let proxy = try ToolProcess.launch(
            "nghttpx",
            ["--conf=/dev/null", "--single-process", "-f127.0.0.1,\(front);no-tls", "-b127.0.0.1,\(backend);;proto=h2"],
            log: directory.appendingPathComponent("\(UUID().uuidString).log"), waitFor: "Listening on"
        )
        defer { ToolProcess.kill(proxy) }
        // Only the client-side ports: the proxy's own connection to its backend is not recorded.
        let tcpdump = try ToolProcess.launch(
            "tcpdump", ["-i", "lo", "-U", "--immediate-mode", "-B", "65536", "-s", "0", "-w", capture, "tcp port \(direct) or tcp port \(front)"],
            log: directory.appendingPathComponent("\(UUID().uuidString).log"), waitFor: "listening on"
        )
        defer { ToolProcess.kill(tcpdump) }

        let base = "http://127.0.0.1:\(direct)"
        #expect(try run("h2load", ["-n", "40", "-c", "1", "-m", "10", "\(base)/file.txt", "\(base)/data.json"]) == 0)
        let upgraded = "http://127.0.0.1:\(front)"
        #expect(try run("nghttp", ["-u", "-n", "\(upgraded)/file.txt", "\(upgraded)/data.json"]) == 0)
        ToolProcess.stopCapture(tcpdump, writing: URL(fileURLWithPath: capture))

        let (recorder, _) = try runSession(capture)
        let streams = recorder.exchanges.filter { $0.applicationProtocol == .http2 }
        let priorKnowledge = streams.filter { $0.connection.server.port == direct }
        let upgrade = streams.filter { $0.connection.server.port == front }
        #expect(priorKnowledge.count == 40, "one exchange per h2load request")
        #expect(upgrade.count == 2, "one exchange per nghttp request")
        #expect(Set(priorKnowledge.map(\.connection.id)).count == 1, "h2load used one connection")

        for (exchanges, port) in [(priorKnowledge, direct), (upgrade, front)] {
            let ids = exchanges.compactMap(\.streamID)
            #expect(ids.count == exchanges.count && Set(ids).count == ids.count, "distinct stream ids on port \(port)")
            #expect(ids.allSatisfy { $0 % 2 == 1 }, "client streams are odd: \(ids)")
            for exchange in exchanges {
                let path = exchange.request.target
                let name = String(path.dropFirst())
                #expect(Self.files[name] != nil, "unexpected :path \(path)")
                #expect(exchange.request.authority == "127.0.0.1:\(port)")
                #expect(exchange.response?.status.rawValue == 200, "\(path) on stream \(exchange.streamID ?? -1)")
                #expect(exchange.response.map { $0.body.content.text } == Self.files[name], "\(path) body")
                #expect(exchange.isComplete)
            }
        }
        #expect(priorKnowledge.filter { $0.request.target == "/data.json" }.count == 20, "h2load alternates its two URIs")

        // The upgrade: an HTTP/1 101, then stream 1 answers the HTTP/1 request that asked for it.
        let switching = try #require(recorder.exchanges.firstIndex { $0.applicationProtocol == .http1 && $0.connection.server.port == front })
        let switched = recorder.exchanges[switching]
        #expect(switched.response?.status.rawValue == 101)
        #expect(switched.request.headers.first("upgrade") == "h2c")
        let streamOne = try #require(recorder.exchanges.firstIndex { $0.connection.server.port == front && $0.streamID == 1 })
        #expect(switching < streamOne, "the 101 exchange comes before stream 1")
        let first = recorder.exchanges[streamOne]
        #expect(first.connection.id == switched.connection.id)
        #expect(first.request.method.rawValue == "GET" && first.request.target == "/file.txt", "stream 1 is the upgrade request")
        #expect(first.request.firstByte == switched.request.firstByte, "stream 1's request is the HTTP/1 one that asked for the upgrade")
        #expect(first.request.headers.first("upgrade") == nil, "without its hop-by-hop fields")
        #expect(recorder.exchanges.filter { $0.applicationProtocol == .http1 }.count == 1, "no other HTTP/1 exchange")
    }

    /// Runs a client to completion, its output discarded; returns its exit status.
    private func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
