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
    /// Writes the HAR for a capture the way `hark har` does; `exchanges` counts those given entries.
    static func har(
        _ capture: String,
        options: HARExportOptions = .init(),
        inclusion: HARInclusion = .init()
    ) throws -> (bytes: [UInt8], exchanges: Int) {
        let url = Fixtures.corpus(capture)
        let (recorder, _) = try runSession(url.path, configuration: corpusConfiguration(url))
        let spool = try HARSortingSpool(log: HARLog(creator: HARCreator(name: "hark", version: "test")))
        var included = 0
        for exchange in recorder.exchanges where inclusion.exclusion(of: exchange) == nil {
            try spool.add(HAREntry(exchange: exchange, options: options))
            included += 1
        }
        let sink = MemorySink()
        try spool.finish(to: sink)
        return (sink.bytes, included)
    }

    static func parse(_ bytes: [UInt8]) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] ?? [:]
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
        // Issue 15 items 11 and 13: what every HAR consumer needs of every entry.
        for entry in entries {
            let request = entry["request"] as? [String: Any] ?? [:]
            let url = request["url"] as? String ?? ""
            #expect(url.hasPrefix("http://") || url.hasPrefix("https://"), "\(capture): absolute URL, not \(url)")
            #expect(request["method"] as? String != "-", "\(capture): no invented method")
            #expect(entry["_resourceType"] is String, "\(capture): _resourceType on every entry")
            let content = (entry["response"] as? [String: Any])?["content"] as? [String: Any]
            #expect(content?["text"] is String, "\(capture): content.text, \"\" when empty")
        }
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

    /// `request._packets` and `response._packets` name the packets of each message as tshark numbers
    /// them: bro.org's first GET is tshark's frame 4 and its 200 response ends in frame 38
    /// (`http1-browse-bro-org.oracle.tsv`).
    @Test func entriesNameTheirPackets() throws {
        let entries = try Self.entries(try Self.har("http1-browse-bro-org.pcap").bytes)
        let first = try #require(entries.first)
        let request = try #require(first["request"] as? [String: Any])
        let response = try #require(first["response"] as? [String: Any])
        #expect(request["_packets"] as? [String: Int] == ["first": 4, "last": 4])
        #expect(response["_packets"] as? [String: Int] == ["first": 6, "last": 38])
        #expect(entries.allSatisfy { ($0["request"] as? [String: Any])?["_packets"] is [String: Int] })
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

    @Test func connectEntryHasTheAbsoluteURLOfItsAuthority() throws {
        // Issue 15 item 11: mitmproxy refuses a whole HAR on a CONNECT entry with url `abc:443`.
        let entries = try Self.entries(try Self.har("http1-connect-proxy.pcap").bytes)
        let connect = try #require(entries.first { ($0["request"] as? [String: Any])?["method"] as? String == "CONNECT" })
        #expect((connect["request"] as? [String: Any])?["url"] as? String == "http://abc:443")
    }

    @Test func responsesWithoutTheirRequestAreLeftOutUnlessAsked() throws {
        // Issue 15 item 11: link-pcapng-multi-interface-eth-sll.pcapng has a response whose request is not in it.
        let capture = "link-pcapng-multi-interface-eth-sll.pcapng"
        let url = Fixtures.corpus(capture)
        let (recorder, _) = try runSession(url.path, configuration: corpusConfiguration(url))
        let unpaired = recorder.exchanges.filter { $0.request.isPlaceholder }.count
        try #require(unpaired > 0, "the capture has responses without their request")
        let byDefault = try Self.entries(try Self.har(capture).bytes)
        #expect(byDefault.count == recorder.exchanges.count - unpaired)
        let included = try Self.entries(try Self.har(capture, inclusion: HARInclusion(unpairedResponses: true)).bytes)
        #expect(included.count == recorder.exchanges.count)
        let stand = try #require(included.first { ($0["request"] as? [String: Any])?["method"] as? String == "UNKNOWN" })
        #expect((stand["comment"] as? String)?.contains("request not captured") == true)
        #expect(((stand["request"] as? [String: Any])?["url"] as? String)?.hasPrefix("http://") == true)
    }

    @Test func h2cUpgradeRequestIsOneEntry() throws {
        // Issue 15 item 15: the 101 exchange and stream 1 carry the same request.
        let entries = try Self.entries(try Self.har("h2c-upgrade-range-206.pcap").bytes)
        let statuses = entries.compactMap { ($0["response"] as? [String: Any])?["status"] as? Int }
        #expect(!statuses.contains(101))
        let requests = entries.compactMap { entry -> String? in
            guard let request = entry["request"] as? [String: Any], let method = request["method"] as? String,
                let url = request["url"] as? String, let start = entry["startedDateTime"] as? String
            else { return nil }
            return "\(method) \(url) \(start)"
        }
        #expect(Set(requests).count == requests.count, "\(requests)")
        #expect(entries.first?["_streamId"] as? Int == 1)
    }

    @Test func http2RequestHeadersBeginWithThePseudoHeadersAsChromeWritesThem() throws {
        // Issue 15 item 13.
        let entries = try Self.entries(try Self.har("h2c-prior-knowledge-doh-post.pcap").bytes)
        let headers = try #require((entries.first?["request"] as? [String: Any])?["headers"] as? [[String: String]])
        #expect(headers.prefix(4).map { $0["name"] } == [":method", ":authority", ":scheme", ":path"])
        #expect(headers.first?["value"] == "POST")
    }

    @Test func aPageLoadIsGroupedIntoAPage() throws {
        // Issue 15 item 14: http1-browse-bro-org.pcap is a browser loading bro.org pages.
        let document = try HARCorpusTests.parse(try Self.har("http1-browse-bro-org.pcap").bytes)
        let pages = try #require((document["log"] as? [String: Any])?["pages"] as? [[String: Any]])
        try #require(!pages.isEmpty)
        let entries = try Self.entries(try Self.har("http1-browse-bro-org.pcap").bytes)
        let first = try #require(entries.first { $0["pageref"] as? String == "page_1" })
        #expect(first["_resourceType"] as? String == "document")
        #expect(pages.first?["title"] as? String == (first["request"] as? [String: Any])?["url"] as? String)
        #expect(pages.first?["startedDateTime"] as? String == first["startedDateTime"] as? String)
        let grouped = entries.filter { $0["pageref"] != nil }.count
        #expect(grouped * 2 > entries.count, "most of a page load's entries belong to a page: \(grouped) of \(entries.count)")
    }
}
