import Foundation
import Glibc
import HarkCore
import HarkTestSupport
import Testing

/// Nothing is left out in silence: packets hark cannot decode or does not analyse are reported once
/// per kind on standard error, and `stats` counts them, with a live capture's kernel drops.
@Suite(.serialized, .enabled(if: HarkBinary.url != nil, "needs the hark executable"))
struct PacketsLeftOutTests {
    private func temporaryCapture(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hark-left-out-\(UUID().uuidString).pcap")
        try Data(bytes).write(to: url)
        return url
    }

    @Test func anUnknownLinkTypeIsReportedInOneLineAndCountedByStats() throws {
        var pcap = PcapBuilder(linkType: LinkType(rawValue: 9999))
        for index in 0..<13 { pcap.append([1, 2, 3, UInt8(index)], seconds: 1_700_000_000 + UInt32(index)) }
        let capture = try temporaryCapture(pcap.bytes)
        defer { try? FileManager.default.removeItem(at: capture) }

        let trace = try HarkBinary.run(["trace", capture.path])
        #expect(trace.status == 0)
        #expect(trace.errors == "hark: 13 packets of link type 9999 not decoded\n", "one line")

        let stats = try HarkBinary.run(["stats", capture.path])
        #expect(stats.output.split(separator: "\n").dropFirst().first == "13 packets: 13 not analysed (link type 9999 13)", "\(stats.output)")
        let json = try HarkBinary.run(["stats", "--json", capture.path])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let packets = try #require(document["packets"] as? [String: Any])
        #expect(packets["read"] as? Int == 13)
        #expect(packets["not_analysed"] as? [String: Int] == ["link type 9999": 13])
        #expect(packets["dropped_by_kernel"] is NSNull, "a file has no kernel")
    }

    @Test func statsCountsTheUDPAndARPOfACorpusCapture() throws {
        let json = try HarkBinary.run(["stats", "--json", Fixtures.corpus("http1-browse-wikipedia-304.pcap").path])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let packets = try #require(document["packets"] as? [String: Any])
        // tshark -r … -Y udp | wc -l: 48; arp: 6; llc: 4.
        #expect(packets["not_analysed"] as? [String: Int] == ["UDP": 48, "ARP": 6, "IEEE 802.3 LLC": 4])
        #expect(packets["read"] as? Int == 136)
    }

    @Test(.enabled(if: geteuid() == 0 && ToolProcess.locate("curl") != nil, "needs root and curl"))
    func liveStatsCountKernelDrops() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-left-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, port) = try LoopbackHTTPServer.start(log: directory.appendingPathComponent("server.log"))
        defer { ToolProcess.kill(server) }
        let output = directory.appendingPathComponent("stats.json")
        let errors = directory.appendingPathComponent("stats.err")
        let stats = try HarkBinary.start(["stats", "--json", "-i", "lo", "-f", "tcp port \(port)"], output: output, errors: errors)
        defer { ToolProcess.kill(stats) }
        try ToolProcess.waitFor("listening on lo", in: errors, of: stats)
        #expect(try ToolProcess.run("curl", ["-s", "http://127.0.0.1:\(port)/cached"], log: directory.appendingPathComponent("curl.log")).status == 0)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(HarkBinary.interrupt(stats) == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any])
        let packets = try #require(document["packets"] as? [String: Any])
        #expect((packets["read"] as? Int ?? 0) >= 6, "the handshake, the exchange and the close")
        #expect(packets["dropped_by_kernel"] as? Int == 0, "counted, as 0, for a live source")
    }
}
