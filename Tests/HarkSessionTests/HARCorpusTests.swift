import Foundation
import HarkFormat
import HarkHAR
import HarkModel
import HarkSession
import HarkTestSupport
import Testing

/// `hark har` end to end on the corpus: every document validates against the HAR 1.2 schema, holds one
/// entry per exchange, sorted by start time, with timings from the packets.
struct HARCorpusTests {
    /// Writes the HAR for a capture the way `hark har` does.
    static func har(_ capture: String, options: HARExportOptions = .init()) throws -> (bytes: [UInt8], exchanges: Int) {
        let url = Fixtures.corpus(capture)
        let (recorder, _) = try runSession(url.path, configuration: corpusConfiguration(url))
        let spool = try HARSortingSpool(log: HARLog(creator: HARCreator(name: "hark", version: "test")))
        for exchange in recorder.exchanges {
            try spool.add(HAREntry(exchange: exchange, options: options))
        }
        let sink = MemorySink()
        try spool.finish(to: sink)
        return (sink.bytes, recorder.exchanges.count)
    }

    static func entries(_ bytes: [UInt8]) throws -> [[String: Any]] {
        let document = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        let log = document?["log"] as? [String: Any]
        return log?["entries"] as? [[String: Any]] ?? []
    }

    @Test(arguments: Fixtures.corpusCaptures)
    func validatesAndIsSorted(capture: String) throws {
        let (bytes, exchanges) = try Self.har(capture)
        let entries = try Self.entries(bytes)
        #expect(entries.count == exchanges)
        let starts = entries.compactMap { $0["startedDateTime"] as? String }
        #expect(starts == starts.sorted(), "entries sorted by startedDateTime")
        guard HARValidator.isAvailable else { return }
        let result = try HARValidator.validate(bytes)
        #expect(result.status == 0, "\(capture): \(result.errors)")
    }

    @Test func timingsComeFromThePackets() throws {
        // http1-chunked-gzip-msn.pcap: first GET on a fresh connection; tshark shows the SYN at
        // 18:52:23.337 and the handshake's ACK 16.5 ms later.
        let entries = try Self.entries(try Self.har("http1-chunked-gzip-msn.pcap").bytes)
        let first = try #require(entries.first)
        let timings = try #require(first["timings"] as? [String: Double])
        #expect(first["startedDateTime"] as? String == "2011-01-25T18:52:23.337Z")
        #expect(timings["connect"] == 16.532)
        #expect(try #require(timings["wait"]) > 0)
        let later = try #require(entries.last?["timings"] as? [String: Double])
        #expect(later["connect"] == -1, "only a connection's first exchange pays for the handshake")
        let response = try #require(first["response"] as? [String: Any])
        let content = try #require(response["content"] as? [String: Any])
        #expect(content["size"] as? Int == 85419, "gzip body decoded")
        #expect(response["bodySize"] as? Int == 22937, "bytes on the wire, chunk framing included")
        #expect((content["text"] as? String)?.hasPrefix("<!DOCTYPE html") == true)
    }

    @Test func noBodiesKeepsSizes() throws {
        let entries = try Self.entries(try Self.har("http1-chunked-gzip-msn.pcap", options: HARExportOptions(includeBodies: false)).bytes)
        let content = try #require((entries.first?["response"] as? [String: Any])?["content"] as? [String: Any])
        #expect(content["text"] == nil)
        #expect(content["size"] as? Int == 85419)
    }

    @Test func requestWithoutResponseIsStillAnEntry() throws {
        let entries = try Self.entries(try Self.har("ipv4-fragmented-http-request.pcap").bytes)
        let response = try #require(entries.first?["response"] as? [String: Any])
        #expect(response["status"] as? Int == 0)
        #expect((response["_error"] as? String)?.contains("no response") == true)
    }
}
