import Foundation
import HarkCore
import HarkModel
import HarkSession
import HarkTestSupport
import Testing

/// Connections joined mid-way: corpus captures cut to start after the HTTP/2 preface (or the TLS
/// handshake), as a sniffer attached to a running service sees them. The expected streams are the
/// full capture's tshark oracle rows from the cut on; tshark run on the cut files lists the same
/// streams (`editcap -r FILE cut.pcap 12-`, then the oracle's command).
struct MidConnectionCorpusTests {
    /// One stream's request and responses as the full capture's oracle has them.
    struct Stream: Equatable, CustomStringConvertible {
        var method: String?
        var path: String?
        var statuses: [String] = []
        var description: String { "\(method ?? "-") \(path ?? "-") \(statuses)" }
    }

    /// The oracle's HEADERS from packet `firstPacket` on, by HTTP/2 stream id.
    static func expectedStreams(_ oracle: OracleTable, from firstPacket: Int) -> [Int: Stream] {
        var streams: [Int: Stream] = [:]
        for row in oracle.rows where Int(row["frame.number"] ?? "") ?? 0 >= firstPacket {
            let types = list(row["http2.type"])
            let ids = list(row["http2.streamid"]).compactMap { Int($0) }
            // Values are listed per HEADERS frame that has them, in frame order.
            let headerStreams = zip(types, ids).filter { $0.0 == "1" }.map(\.1)
            var methods = list(row["http2.headers.method"])[...]
            var paths = list(row["http2.headers.path"])[...]
            var statuses = list(row["http2.headers.status"])[...]
            for id in headerStreams {
                if id % 2 == 1, streams[id]?.method == nil, !methods.isEmpty, streams[id]?.statuses.isEmpty ?? true {
                    // A client HEADERS frame: the request (trailers have neither method nor status).
                    if let method = methods.popFirst() {
                        streams[id, default: Stream()].method = method
                        streams[id, default: Stream()].path = paths.popFirst()
                        continue
                    }
                }
                if let status = statuses.popFirst() { streams[id, default: Stream()].statuses.append(status) }
            }
        }
        return streams
    }

    static func list(_ value: String?) -> [String] {
        guard let value, !value.isEmpty else { return [] }
        return value.components(separatedBy: ",")
    }

    /// hark's HTTP/2 exchanges of a session, by stream id.
    static func harkStreams(_ recorder: SessionRecorder) -> [Int: Stream] {
        var streams: [Int: Stream] = [:]
        for exchange in recorder.exchanges where exchange.applicationProtocol == .http2 {
            guard let id = exchange.streamID else { continue }
            var stream = Stream()
            if !exchange.request.isPlaceholder {
                stream.method = exchange.request.method.rawValue
                stream.path = exchange.request.target
            }
            stream.statuses = (exchange.interimResponses + (exchange.response.map { [$0] } ?? [])).map {
                String($0.status.rawValue)
            }
            streams[id] = stream
        }
        return streams
    }

    @Test func h2cJoinedAfterThePrefaceShowsItsLaterStreams() throws {
        let url = Fixtures.corpus("h2c-prior-knowledge-doh-post.pcap")
        let oracle = try OracleTable(contentsOf: OracleTable.beside(url, kind: "oracle"))
        let expected = Self.expectedStreams(oracle, from: 12)
        try #require(expected.count >= 20, "the cut keeps at least 20 of the oracle's streams")
        let (recorder, _) = try runSession(bytes: try PcapCut.from(url, startingAt: 12), name: "doh-cut.pcap")

        #expect(recorder.connections.map(\.applicationProtocol) == [.http2])
        let found = Self.harkStreams(recorder)
        #expect(found.keys.sorted() == expected.keys.sorted())
        for (id, stream) in expected {
            #expect(found[id] == stream, "stream \(id)")
        }
    }

    @Test(.enabled(if: Fixtures.sharedCorpusDirectory != nil, "needs ../shared/corpus (grpc-h2c-unary-calls.pcap is not licensed for the repository)"))
    func grpcChannelJoinedAfterThePrefaceShowsItsLaterCalls() throws {
        let shared = try #require(Fixtures.sharedCorpusDirectory)
        let url = shared.appendingPathComponent("grpc-h2c-unary-calls.pcap")
        let oracle = try OracleTable(contentsOf: OracleTable.beside(url, kind: "oracle"))
        let expected = Self.expectedStreams(oracle, from: 12)
        try #require(expected.keys.sorted() == [1, 3, 5, 7, 9], "the cut keeps stream 1's response and four calls")
        let (recorder, _) = try runSession(bytes: try PcapCut.from(url, startingAt: 12), name: "grpc-cut.pcap")

        let found = Self.harkStreams(recorder)
        #expect(found.keys.sorted() == expected.keys.sorted())
        for (id, stream) in expected {
            #expect(found[id] == stream, "stream \(id)")
        }
        let calls = recorder.exchanges.filter { $0.grpc != nil && !$0.request.isPlaceholder }
        #expect(calls.map { $0.streamID ?? 0 }.sorted() == [3, 5, 7, 9], "the later calls are gRPC calls")
    }

    /// TLS joined after its handshake, inside a server record (packet 17 continues a record that
    /// packet 16 began): recognised from its record layout, the cut record skipped and said, and the
    /// connection reported as not decryptable with the reason, even with the capture's key log.
    @Test func tlsJoinedInsideARecordIsReportedNotDecryptable() throws {
        let url = Fixtures.corpus("tls12-http1-heise-keylog.pcap")
        var configuration = corpusConfiguration(url)
        configuration.keyLogPaths = [Fixtures.corpus("tls12-http1-heise-keylog.keys").path]
        let (recorder, _) = try runSession(bytes: try PcapCut.from(url, startingAt: 17), name: "tls-cut.pcap",
            configuration: configuration)

        let connection = try #require(recorder.connections.first)
        #expect(connection.applicationProtocol == .tls)
        #expect(connection.tls?.notDecryptedReason == "handshake not in capture")
        #expect(recorder.diagnostics.contains { $0.message.contains("capture starts inside a record; its last 2933 bytes skipped") })
        #expect(recorder.exchanges.map(\.applicationProtocol) == [.tls], "one undecrypted-connection exchange")
    }
}
