import Foundation
import HarkCore
import HarkModel
import HarkTestSupport
import Testing

/// Exchanges and diagnostics name their packets as tshark numbers them (`frame.number`), so that a
/// Wireshark user can jump to them (issue 15, item 19). Compared with the tshark oracles of the corpus.
struct PacketNumberCorpusTests {
    /// Captures whose oracle is tshark's HTTP/1 view (`http.request.method`, `http.response.code`).
    static let http1Captures = Fixtures.corpusCaptures.filter { name in
        let oracle = OracleTable.beside(Fixtures.corpus(name), kind: "oracle")
        return (try? OracleTable(contentsOf: oracle))?.fields.contains("http.request.method") == true
    }

    /// Messages hark shows complete that tshark does not show at all, and why tshark misses them.
    static let tsharkMisses: [String: Set<String>] = [
        // tshark 4.0 does not dissect the HTTP inside the CONNECT tunnel past the request it sees.
        "http1-connect-proxy.pcap": ["0 response 13"],
        // The lossy download's first 206 (52 out-of-order, 56 retransmitted segments): tshark's
        // reassembly never completes it (MANIFEST: 3 requests, 2 responses); hark's does.
        "tcp-ooo-retx-range-206.pcap": ["0 response 953"],
    ]

    /// `connection kind packet` for each HTTP/1 request and final response tshark lists; interim
    /// (1xx but 101) responses left out: hark keeps them inside their exchange.
    static func tshark(_ capture: URL) throws -> [String] {
        let oracle = try OracleTable(contentsOf: OracleTable.beside(capture, kind: "oracle"))
        var messages: [String] = []
        for row in oracle.rows {
            guard let stream = Int(row["tcp.stream"] ?? ""), let frame = row["frame.number"] else { continue }
            for method in (row["http.request.method"] ?? "").split(separator: ",") where !method.isEmpty {
                messages.append("\(stream) request \(frame)")
            }
            for code in (row["http.response.code"] ?? "").split(separator: ",") {
                guard let status = Int(code), !(100..<200).contains(status) || status == 101 else { continue }
                messages.append("\(stream) response \(frame)")
            }
        }
        return messages.sorted()
    }

    /// The same from hark's HTTP/1 exchanges: the packet holding each message's last byte, where tshark
    /// shows an HTTP/1 message; messages of incomplete exchanges apart.
    static func hark(_ exchanges: [Exchange]) -> (complete: [String], incomplete: [String]) {
        var complete: [String] = []
        var incomplete: [String] = []
        for exchange in exchanges where exchange.applicationProtocol == .http1 {
            var messages: [String] = []
            if let packets = exchange.request.packets { messages.append("\(exchange.connection.id) request \(packets.last)") }
            if let packets = exchange.response?.packets { messages.append("\(exchange.connection.id) response \(packets.last)") }
            if exchange.isComplete { complete += messages } else { incomplete += messages }
        }
        return (complete.sorted(), incomplete.sorted())
    }

    @Test(arguments: http1Captures)
    func http1MessagesEndInTsharksFrames(capture: String) throws {
        let url = Fixtures.corpus(capture)
        let (recorder, _) = try runSession(url.path, configuration: corpusConfiguration(url))
        let expected = try Self.tshark(url)
        let (complete, incomplete) = Self.hark(recorder.exchanges)
        let found = complete + incomplete
        // Every message tshark shows, hark shows ending in the same packet.
        var unmatched = found
        for message in expected {
            if let index = unmatched.firstIndex(of: message) {
                unmatched.remove(at: index)
            } else {
                Issue.record("\(capture): tshark's \(message) is not among hark's \(found)")
            }
        }
        // What hark has beyond that: messages of incomplete exchanges (cut by a gap or the capture's end,
        // which tshark leaves undissected) and the listed messages tshark misses.
        let misses = Self.tsharkMisses[capture] ?? []
        for message in unmatched where !incomplete.contains(message) {
            #expect(misses.contains(message), "\(capture): hark's \(message) is not in tshark's oracle")
        }
        #expect(found.count >= expected.count)
    }

    /// tshark's HTTP/2 oracle lists the packets with HEADERS frames: each request's lies within the
    /// request's packets, each response's within the response's.
    @Test(arguments: ["h2-tls13-youtube-dsb.pcapng", "h2c-continuation-frames.pcap", "h2c-prior-knowledge-doh-post.pcap",
        "h2c-prior-knowledge-on-port-443.pcap", "h2c-upgrade-range-206.pcap"])
    func http2HeadersFramesLieWithinTheirMessagesPackets(capture: String) throws {
        let url = Fixtures.corpus(capture)
        let kind = capture.hasPrefix("h2c-upgrade") ? "oracle-h2" : "oracle"
        let oracle = try OracleTable(contentsOf: OracleTable.beside(url, kind: kind))
        let (recorder, _) = try runSession(url.path, configuration: corpusConfiguration(url))
        var byStream: [String: Exchange] = [:]
        for exchange in recorder.exchanges where exchange.streamID != nil {
            byStream["\(exchange.connection.id)/\(exchange.streamID ?? 0)"] = exchange
        }
        var checked = 0
        for row in oracle.rows {
            guard let frame = Int(row["frame.number"] ?? ""), let stream = row["tcp.stream"] else { continue }
            let ids = (row["http2.streamid"] ?? "").split(separator: ",")
            let types = (row["http2.type"] ?? "").split(separator: ",")
            let headerStreams = zip(ids, types).filter { $0.1 == "1" }.map(\.0)
            let methods = (row["http2.headers.method"] ?? "").split(separator: ",", omittingEmptySubsequences: false)
            let statuses = (row["http2.headers.status"] ?? "").split(separator: ",", omittingEmptySubsequences: false)
            for (index, id) in headerStreams.enumerated() {
                let exchange = try #require(byStream["\(stream)/\(id)"], "\(capture): no exchange for stream \(id) of \(stream)")
                let isRequest = index < methods.count && !methods[index].isEmpty
                let isResponse = index < statuses.count && !statuses[index].isEmpty
                let packets = isRequest ? exchange.request.packets : isResponse ? exchange.response?.packets : nil
                guard isRequest || isResponse else { continue }  // trailers
                let span = try #require(packets, "\(capture): frame \(frame): stream \(id) has no packets")
                #expect(span.first <= frame && frame <= span.last, "\(capture): frame \(frame) outside \(span) of stream \(id)")
                checked += 1
            }
        }
        #expect(checked > 0)
    }

    /// FastCGI: tshark lists the records of each packet (`-d tcp.port==9000,fcgi`); a request's packets
    /// are those of its web-server records (BEGIN_REQUEST, PARAMS, STDIN), a response's those of the
    /// application's (STDOUT, STDERR, END_REQUEST).
    @Test func fastCGIExchangesSpanTheirRecordsPackets() throws {
        let url = Fixtures.corpus("fastcgi-nginx-phpfpm.pcap")
        let oracle = try OracleTable(contentsOf: OracleTable.beside(url, kind: "oracle"))
        var expected: [String: (request: [Int], response: [Int])] = [:]
        for row in oracle.rows {
            guard let frame = Int(row["frame.number"] ?? ""), let stream = row["tcp.stream"] else { continue }
            let types = (row["fcgi.type"] ?? "").split(separator: ",").compactMap { Int($0) }
            let ids = (row["fcgi.id"] ?? "").split(separator: ",")
            for (type, id) in zip(types, ids) {
                let key = "\(stream)/\(id)"
                if [1, 2, 4, 5, 8].contains(type) { expected[key, default: ([], [])].request.append(frame) }
                if [3, 6, 7].contains(type) { expected[key, default: ([], [])].response.append(frame) }
            }
        }
        let (recorder, _) = try runSession(url.path)
        let exchanges = recorder.exchanges.filter { $0.applicationProtocol == .fastCGI }
        #expect(exchanges.count == expected.count)
        for exchange in exchanges {
            let key = "\(exchange.connection.id)/\(exchange.fastCGI?.requestID ?? 0)"
            let frames = try #require(expected[key], "no oracle records for \(key)")
            #expect(exchange.request.packets == PacketSpan(first: frames.request.min() ?? 0, last: frames.request.max() ?? 0), "\(key)")
            #expect(exchange.response?.packets == PacketSpan(first: frames.response.min() ?? 0, last: frames.response.max() ?? 0), "\(key)")
        }
    }

    /// WebSocket: each message ends in a frame with FIN; tshark lists every frame at its packet
    /// (`-Y websocket`), so the messages ending in each packet are its FIN frames.
    @Test(arguments: ["websocket-basic-text.pcap", "websocket-jupyter.pcap", "websocket-permessage-deflate.pcap"])
    func webSocketMessagesEndInTheirFinalFramesPackets(capture: String) throws {
        let url = Fixtures.corpus(capture)
        let oracle = try OracleTable(contentsOf: OracleTable.beside(url, kind: "oracle-ws"))
        var expected: [Int: Int] = [:]
        for row in oracle.rows {
            guard let frame = Int(row["frame.number"] ?? "") else { continue }
            expected[frame, default: 0] += (row["websocket.fin"] ?? "").split(separator: ",").filter { $0 == "1" }.count
        }
        let (recorder, _) = try runSession(url.path)
        var found: [Int: Int] = [:]
        for message in recorder.messages {
            let packets = try #require(message.packets, "message \(message.id) has no packets")
            #expect(packets.first <= packets.last)
            found[packets.last, default: 0] += 1
        }
        #expect(found == expected)
    }

    /// A request that could not be parsed is reported at the packet holding it, as tshark finds it
    /// (`tshark -Y 'tcp contains "OPTIONSHTTP"'`: frame 24), not where hark gave up on it; requests
    /// read leniently at theirs (`tcp contains "OPTIONS"`: frames 14 and 34).
    @Test func diagnosticsNameThePacketOfTheirBytes() throws {
        let url = Fixtures.corpus("http1-methods-head-options-put-delete-trace.pcap")
        let (recorder, _) = try runSession(url.path)
        let skipped = try #require(recorder.diagnostics.first { $0.message.contains("OPTIONSHTTP") })
        #expect(skipped.packetNumber == 24, "\(skipped)")
        let lenient = recorder.diagnostics.filter { $0.message.contains("read leniently \"OPTIONS") }
        #expect(lenient.map(\.packetNumber) == [14, 34], "\(lenient)")
    }

    /// Packets of bytes held behind a hole are their own, not the one that released them (the frame-19
    /// request of this capture, delivered when hark gave up on the hole at packet 22).
    @Test func heldBytesKeepTheirPacketNumbers() throws {
        let url = Fixtures.corpus("tcp-drops-zero-length-bodies.pcap")
        let (recorder, _) = try runSession(url.path)
        let late = try #require(recorder.exchanges.first { $0.problems.contains { $0.contains("request delivered late") } })
        #expect(late.request.packets == PacketSpan(first: 19, last: 19), "\(late.request.packets as Any)")
    }
}
