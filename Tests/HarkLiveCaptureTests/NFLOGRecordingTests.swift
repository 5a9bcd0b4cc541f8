import Foundation
import Glibc
import HarkTestSupport
import Testing

/// A capture tcpdump recorded through `nflog:GROUP` (link type 239), with an nftables rule logging a
/// loopback server's packets to the group: hark decodes it to the right exchanges, at the times the
/// packets were sent.
@Suite(.enabled(
    if: geteuid() == 0 && HarkBinary.url != nil && ["nft", "tcpdump", "curl", "python3"].allSatisfy { ToolProcess.locate($0) != nil },
    "needs root, nft, tcpdump, curl, python3 and the hark executable"
))
struct NFLOGRecordingTests {
    @Test func aCaptureRecordedThroughNFLOGDecodesToItsExchangesWithRealTimes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-nflog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, port) = try LoopbackHTTPServer.start(log: directory.appendingPathComponent("server.log"))
        defer { ToolProcess.kill(server) }

        // Not hark_…: hark removes stale tables of that name. A group below the range hark picks from.
        let table = "harktest_nflog_\(getpid())"
        let group = 0x3000 + Int(getpid() % 0x400)
        let rules = directory.appendingPathComponent("rules.nft")
        try """
            table inet \(table) {
              chain out {
                type filter hook output priority 0;
                tcp dport \(port) log group \(group) queue-threshold 1
                tcp sport \(port) log group \(group) queue-threshold 1
              }
            }
            """.write(to: rules, atomically: true, encoding: .utf8)
        let added = try ToolProcess.run("nft", ["-f", rules.path], log: directory.appendingPathComponent("nft.log"))
        try #require(added.status == 0, "\(added.output)")
        defer { _ = try? ToolProcess.run("nft", ["delete", "table", "inet", table], log: directory.appendingPathComponent("nft-delete.log")) }

        let capture = directory.appendingPathComponent("nflog.pcap")
        let tcpdumpLog = directory.appendingPathComponent("tcpdump.log")
        let tcpdump = try ToolProcess.start("tcpdump", ["-i", "nflog:\(group)", "-U", "-w", capture.path], log: tcpdumpLog)
        defer { ToolProcess.kill(tcpdump) }
        try ToolProcess.waitFor("listening on nflog:\(group)", in: tcpdumpLog, of: tcpdump)
        let before = Date().timeIntervalSince1970
        for index in 0..<5 {
            let curl = try ToolProcess.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/cached?n=\(index)"],
                log: directory.appendingPathComponent("curl-\(index).log"))
            #expect(curl.output == "404" || curl.output == "200")
        }
        let after = Date().timeIntervalSince1970
        ToolProcess.stopCapture(tcpdump, writing: capture)

        let trace = try HarkBinary.run(["trace", "--json", capture.path])
        #expect(trace.status == 0, "\(trace.errors)")
        #expect(trace.errors.isEmpty, "nothing left out: \(trace.errors)")
        let exchanges = try trace.output.split(separator: "\n").compactMap { line -> [String: Any]? in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["type"] as? String == "exchange" ? object : nil
        }
        #expect(exchanges.map { $0["url"] as? String } == (0..<5).map { "http://127.0.0.1:\(port)/cached?n=\($0)" })
        #expect(exchanges.allSatisfy { $0["server"] as? String == "127.0.0.1:\(port)" && $0["complete"] as? Bool == true })
        #expect(exchanges.allSatisfy { $0["status"] as? Int != nil })
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let times = exchanges.compactMap { ($0["time"] as? String).flatMap(formatter.date(from:))?.timeIntervalSince1970 }
        #expect(times.count == 5)
        #expect(times.allSatisfy { $0 >= before - 1 && $0 <= after + 1 }, "the packets' own times, not 1970 or the read time: \(times) in \(before)…\(after)")
        #expect(times == times.sorted() && Set(times).count == 5, "one time per exchange, in order")
    }
}
