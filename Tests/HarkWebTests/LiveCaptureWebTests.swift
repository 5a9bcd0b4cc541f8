import Foundation
import Glibc
import HarkTestSupport
import Testing

/// `hark web -i lo -f 'tcp port P'` while curl asks a loopback server for one URL after another: the
/// live channel delivers each exchange as it happens, each once, in the order the requests were made.
@Suite(.serialized) struct LiveCaptureWebTests {
    private static let canCapture: Bool =
        geteuid() == 0 && HarkBinary.url != nil && ["curl", "python3"].allSatisfy { ToolProcess.locate($0) != nil }

    @Test(.enabled(if: canCapture, "needs root, curl, python3 and the hark executable (CI runs as root)"))
    func loopbackCaptureStreamsExchangesInOrder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-web-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, port) = try LoopbackHTTPServer.start(log: directory.appendingPathComponent("server.log"))
        defer { ToolProcess.kill(server) }
        let output = directory.appendingPathComponent("web.out"), errors = directory.appendingPathComponent("web.err")
        let web = try HarkBinary.start(["web", "-i", "lo", "-f", "tcp port \(port)"], output: output, errors: errors)
        defer { ToolProcess.kill(web) }
        try ToolProcess.waitFor("hark web: http://", in: output, of: web)
        try ToolProcess.waitFor("listening on lo", in: errors, of: web)
        let printed = try String(contentsOf: output, encoding: .utf8)
        let base = try #require(printed.split(separator: "\n").first { $0.hasPrefix("hark web: ") }?.dropFirst("hark web: ".count))
        let page = try #require(URLComponents(string: String(base)))
        let token = try #require(page.queryItems?.first { $0.name == "token" }?.value)
        let updatesURL = "http://\(page.host ?? ""):\(page.port ?? 0)/api/updates?since=0&token=\(token)"

        let events = directory.appendingPathComponent("events")
        let stream = try ToolProcess.start("curl", ["-s", "-N", "--max-time", "60", "-o", events.path, updatesURL], log: directory.appendingPathComponent("curl-sse.log"))
        defer { ToolProcess.kill(stream) }
        Thread.sleep(forTimeInterval: 0.3)
        // One request after another, each on its own connection, each answered before the next.
        let paths = (0..<12).map { ["/cached", "/page", "/gzip", "/chunked"][$0 % 4] + ($0 >= 4 ? "?n=\($0)" : "") }
        for path in paths {
            let result = try ToolProcess.run("curl", ["-s", "-o", "/dev/null", "http://127.0.0.1:\(port)\(path)"], log: directory.appendingPathComponent("curl.log"))
            #expect(result.status == 0)
        }
        var (urls, versions, updates): ([String], [Int], [[UInt8]]) = ([], [], [])
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            (urls, versions, updates) = try Self.read(events)
            if urls.count >= paths.count { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        for update in updates { #expect(try WebTestSupport.violations(update, definition: "changes") == "") }
        #expect(urls == paths.map { "http://127.0.0.1:\(port)\($0)" }, "each exchange once, in the order of the requests")
        #expect(versions == versions.sorted() && Set(versions).count == versions.count, "versions only grow")
        #expect(versions.count > 1, "the exchanges came over several updates while curl ran")
        #expect(HarkBinary.interrupt(web) == 0 || !web.isRunning)
    }

    /// The exchange URLs, the versions and the JSON of the updates received so far.
    private static func read(_ events: URL) throws -> ([String], [Int], [[UInt8]]) {
        let text = (try? String(contentsOf: events, encoding: .utf8)) ?? ""
        var urls: [String] = []
        var versions: [Int] = []
        var updates: [[UInt8]] = []
        // A message is complete once its blank line has arrived.
        for message in text.components(separatedBy: "\n\n").dropLast() where !message.isEmpty {
            let lines = message.split(separator: "\n")
            guard let data = lines.first(where: { $0.hasPrefix("data: ") })?.dropFirst(6) else { continue }
            let update = try WebTestSupport.object(Array(data.utf8))
            updates.append(Array(data.utf8))
            versions.append(update["storeVersion"] as? Int ?? -1)
            let scheme = WebTestSupport.texts(update, column: "scheme"), authority = WebTestSupport.texts(update, column: "authority")
            let columns = update["exchanges"] as? [String: Any] ?? [:]
            let target = columns["target"] as? [String] ?? []
            let url = (columns["url"] as? [Any])?.map { $0 as? String } ?? target.map { _ in nil }
            urls += target.indices.map { url[$0] ?? "\(scheme[$0] ?? "")://\(authority[$0] ?? "")\(target[$0])" }
        }
        return (urls, versions, updates)
    }
}
