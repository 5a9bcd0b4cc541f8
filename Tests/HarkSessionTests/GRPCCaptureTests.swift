import Foundation
import HarkCore
import HarkFormat
import HarkHAR
import HarkModel
import HarkTestSupport
import NIOCore
import Testing

/// gRPC through the whole session. The recorded capture (`Scripts/record-grpc`: grpc-swift-2 server and
/// client on loopback) is checked against the client's own log of each call and against tshark: its
/// HTTP/2 HEADERS, its gRPC message framing, and its protobuf dissector reading the peer's `.proto`.
struct GRPCCaptureTests {
    static let capture = Fixtures.recorded("grpc-swift2-calls.pcap")
    static let log = Fixtures.recorded("grpc-swift2-calls.expected.json")

    /// Where a message went: TCP connection (tshark's `tcp.stream`), HTTP/2 stream, and whether the
    /// server sent it.
    struct Place: Hashable, Comparable, CustomStringConvertible {
        var connection: Int
        var stream: Int
        var fromServer: Bool
        var description: String { "tcp.stream \(connection) stream \(stream) \(fromServer ? "response" : "request")" }
        static func < (lhs: Place, rhs: Place) -> Bool {
            (lhs.connection, lhs.stream, lhs.fromServer ? 1 : 0) < (rhs.connection, rhs.stream, rhs.fromServer ? 1 : 0)
        }
    }

    /// The exchanges in the order the client made its calls: by connection, then stream.
    static func calls(_ recorder: SessionRecorder) -> [Exchange] {
        recorder.exchanges.sorted { ($0.connection.id, $0.streamID ?? 0) < ($1.connection.id, $1.streamID ?? 0) }
    }

    /// A message's fields in the log's form; an empty message has none.
    static func fields(_ message: GRPCMessage) -> [RecordedGRPCLog.Field]? {
        message.payload.readableBytes == 0 ? [] : message.protobufFields?.map(RecordedGRPCLog.Field.init)
    }

    /// hark's messages per place.
    static func messages(_ exchanges: [Exchange]) -> [Place: [GRPCMessage]] {
        var result: [Place: [GRPCMessage]] = [:]
        for exchange in exchanges {
            guard let grpc = exchange.grpc, let stream = exchange.streamID else { continue }
            result[Place(connection: exchange.connection.id, stream: stream, fromServer: false)] = grpc.requestMessages
            result[Place(connection: exchange.connection.id, stream: stream, fromServer: true)] = grpc.responseMessages
        }
        return result.filter { !$0.value.isEmpty }
    }

    /// An oracle row's values for `field` ("" gives none).
    static func list(_ row: [String: String], _ field: String) -> [String] {
        guard let value = row[field], !value.isEmpty else { return [] }
        return value.components(separatedBy: ",")
    }

    /// The HTTP/2 stream of a packet's gRPC messages: its one stream other than 0.
    static func stream(_ row: [String: String]) throws -> Int {
        let streams = Set(list(row, "http2.streamid").compactMap { Int($0) }).subtracting([0])
        try #require(streams.count == 1, "frame \(row["frame.number"] ?? "?") carries one stream's messages")
        return try #require(streams.first)
    }

    @Test func everyCallHasItsMethodMessagesAndStatus() throws {
        let log = try RecordedGRPCLog.load(Self.log)
        #expect(log.calls.map(\.pattern) == ["unary", "unary", "serverStreaming", "serverStreaming", "clientStreaming", "bidirectionalStreaming", "unary"])
        #expect(log.calls.contains { $0.status == 5 } && log.calls.contains { $0.requestCompression == "gzip" })
        let (recorder, _) = try runSession(Self.capture.path)
        try Self.expect(recorder, madeThe: log)
    }

    /// Checks that a session found the calls of a log: one exchange per call, in order, with its path,
    /// status, and each message's compression flag and fields; nothing incomplete, no diagnostics.
    static func expect(_ recorder: SessionRecorder, madeThe log: RecordedGRPCLog) throws {
        let exchanges = Self.calls(recorder)
        try #require(exchanges.count == log.calls.count, "one exchange per call")
        for (exchange, call) in zip(exchanges, log.calls) {
            let grpc = try #require(exchange.grpc, "\(call.method) seen as gRPC")
            let name = "\(call.method) on stream \(exchange.streamID ?? -1)"
            #expect(exchange.request.target == call.method)
            #expect("/" + (grpc.service ?? "") + "/" + (grpc.method ?? "") == call.method, "\(name)")
            #expect(grpc.status == call.status, "\(name)")
            #expect((grpc.statusMessage ?? "") == call.statusMessage, "\(name)")
            #expect(grpc.requestMessageCount == call.requests.count && grpc.responseMessageCount == call.responses.count, "\(name)")
            #expect(grpc.requestMessages.map(Self.fields) == call.requests.map { Optional($0) }, "\(name) requests")
            #expect(grpc.responseMessages.map(Self.fields) == call.responses.map { Optional($0) }, "\(name) responses")
            // The server compresses its responses only on the connection whose client offered gzip.
            let compressed = call.requestCompression == "gzip"
            #expect((grpc.requestMessages + grpc.responseMessages).allSatisfy { $0.isCompressed == compressed && $0.decodingError == nil })
            #expect(exchange.isComplete, "\(name): \(exchange.problems)")
        }
        #expect(recorder.diagnostics.isEmpty, "\(recorder.diagnostics)")
    }

    @Test func headersAgreeWithTshark() throws {
        let oracle = try OracleTable(contentsOf: OracleTable.beside(Self.capture, kind: "oracle"))
        var tshark: [String] = []
        var statuses: [String] = []
        for row in oracle.rows {
            let connection = row["tcp.stream"] ?? ""
            for path in Self.list(row, "http2.headers.path") {
                let stream = try Self.stream(row)
                tshark.append("\(connection) \(stream) \(path)")
            }
            statuses += Self.list(row, "http2.headers.status")
        }
        let (recorder, _) = try runSession(Self.capture.path)
        let hark = recorder.exchanges.map { "\($0.connection.id) \($0.streamID ?? -1) \($0.request.target)" }
        #expect(hark.sorted() == tshark.sorted())
        #expect(recorder.exchanges.compactMap { $0.response.map { String($0.status.rawValue) } }.sorted() == statuses.sorted())
    }

    @Test func messageFramingAgreesWithTshark() throws {
        let framing = try OracleTable(contentsOf: OracleTable.beside(Self.capture, kind: "oracle-grpc"))
        // The protobuf oracle has the source port, which tells the direction of a frame's messages.
        let fields = try OracleTable(contentsOf: OracleTable.beside(Self.capture, kind: "oracle-protobuf"))
        let sourcePorts = Dictionary(fields.rows.map { ($0["frame.number"] ?? "", $0["tcp.srcport"] ?? "") }) { first, _ in first }
        var tshark: [Place: [String]] = [:]
        for row in framing.rows {
            let place = Place(
                connection: Int(row["tcp.stream"] ?? "") ?? -1, stream: try Self.stream(row),
                fromServer: sourcePorts[row["frame.number"] ?? ""] == "50051"
            )
            let flags = Self.list(row, "grpc.compressed_flag")
            let lengths = Self.list(row, "grpc.message_length")
            try #require(flags.count == lengths.count)
            tshark[place, default: []] += zip(flags, lengths).map { "\($0 == "1" ? "compressed" : "plain") \($1)" }
        }
        let (recorder, _) = try runSession(Self.capture.path)
        let hark = Self.messages(recorder.exchanges).mapValues { $0.map { "\($0.isCompressed ? "compressed" : "plain") \($0.wireLength)" } }
        #expect(tshark.values.map(\.count).reduce(0, +) == 22, "11 messages each way in tshark's view")
        for place in Set(tshark.keys).union(hark.keys).sorted() {
            #expect(hark[place] == tshark[place], "\(place)")
        }
    }

    @Test func fieldsAgreeWithWiresharksProtobufDissector() throws {
        let oracle = try OracleTable(contentsOf: OracleTable.beside(Self.capture, kind: "oracle-protobuf"))
        var numbers: [Place: [String]] = [:]
        var strings: [Place: [String]] = [:]
        for row in oracle.rows {
            let place = Place(
                connection: Int(row["tcp.stream"] ?? "") ?? -1, stream: try Self.stream(row), fromServer: row["tcp.srcport"] == "50051"
            )
            numbers[place, default: []] += Self.list(row, "protobuf.field.number")
            strings[place, default: []] += Self.list(row, "protobuf.field.value.string")
        }
        let (recorder, _) = try runSession(Self.capture.path)
        for (place, messages) in Self.messages(recorder.exchanges) {
            // Wireshark lists nested fields after their parent: hark's fields in pre-order.
            var harkNumbers: [String] = []
            var harkStrings: [String] = []
            func walk(_ fields: [RecordedGRPCLog.Field]) {
                for field in fields {
                    harkNumbers.append(String(field.number))
                    switch field.value {
                    case .string(let text): harkStrings.append(text)
                    case .message(let nested): walk(nested)
                    default: continue
                    }
                }
            }
            for message in messages { walk(Self.fields(message) ?? []) }
            #expect(harkNumbers == numbers[place] ?? [], "\(place) field numbers")
            #expect(harkStrings == strings[place] ?? [], "\(place) strings")
        }
        #expect(Set(Self.messages(recorder.exchanges).keys) == Set(numbers.keys))
    }

    /// `_grpc` as written in a HAR entry.
    struct HARDocument: Decodable {
        struct Message: Decodable {
            var compressed: Bool
            var length: Int
            var fields: [RecordedGRPCLog.Field]?
        }
        struct GRPC: Decodable {
            var service: String?
            var method: String?
            var status: Int?
            var statusMessage: String?
            var requestMessages: [Message]
            var responseMessages: [Message]
        }
        struct Entry: Decodable {
            var connection: String
            var _streamId: Int
            var _grpc: GRPC?
        }
        struct Log: Decodable {
            var entries: [Entry]
        }
        var log: Log
    }

    /// `hark har`'s document for a capture.
    static func har(_ capture: URL) throws -> [UInt8] {
        let (recorder, _) = try runSession(capture.path)
        let spool = try HARSortingSpool(log: HARLog(creator: HARCreator(name: "hark", version: "test")))
        for exchange in recorder.exchanges { try spool.add(HAREntry(exchange: exchange)) }
        let sink = MemorySink()
        try spool.finish(to: sink)
        return sink.bytes
    }

    @Test func harValidatesAndHoldsTheMessages() throws {
        let log = try RecordedGRPCLog.load(Self.log)
        let bytes = try Self.har(Self.capture)
        if HARValidator.isAvailable {
            let result = try HARValidator.validate(bytes)
            #expect(result.status == 0, "\(result.errors)")
        }
        let entries = try JSONDecoder().decode(HARDocument.self, from: Data(bytes)).log.entries
            .sorted { (Int($0.connection) ?? 0, $0._streamId) < (Int($1.connection) ?? 0, $1._streamId) }
        try #require(entries.count == log.calls.count)
        for (entry, call) in zip(entries, log.calls) {
            let grpc = try #require(entry._grpc)
            #expect("/" + (grpc.service ?? "") + "/" + (grpc.method ?? "") == call.method)
            #expect(grpc.status == call.status && (grpc.statusMessage ?? "") == call.statusMessage)
            #expect(grpc.requestMessages.map(\.fields) == call.requests.map { Optional($0) }, "\(call.method) requests")
            #expect(grpc.responseMessages.map(\.fields) == call.responses.map { Optional($0) }, "\(call.method) responses")
            #expect(grpc.requestMessages.allSatisfy { $0.compressed == (call.requestCompression == "gzip") })
        }
    }

    @Test(.enabled(if: Fixtures.sharedCorpusDirectory != nil, "needs ../shared/corpus (grpc-h2c-unary-calls.pcap is not licensed for the repository)"))
    func unlicensedUnaryCaptureThroughTheSession() throws {
        let shared = try #require(Fixtures.sharedCorpusDirectory)
        let capture = shared.appendingPathComponent("grpc-h2c-unary-calls.pcap")
        let framing = try OracleTable(contentsOf: OracleTable.beside(capture, kind: "oracle-grpc"))
        var lengths: [Int: [Int]] = [:]
        for row in framing.rows {
            lengths[try Self.stream(row), default: []] += Self.list(row, "grpc.message_length").compactMap { Int($0) }
        }
        let headers = try OracleTable(contentsOf: OracleTable.beside(capture, kind: "oracle"))
        let paths = headers.rows.flatMap { Self.list($0, "http2.headers.path") }

        let (recorder, _) = try runSession(capture.path)
        #expect(recorder.exchanges.count == 5)
        #expect(recorder.exchanges.map(\.request.target).sorted() == paths.sorted())
        for exchange in recorder.exchanges {
            let grpc = try #require(exchange.grpc, "stream \(exchange.streamID ?? -1) not seen as gRPC")
            #expect(grpc.service == "RPC_BFCP_SRV.BFCP_GRPC_Service")
            #expect("/" + (grpc.service ?? "") + "/" + (grpc.method ?? "") == exchange.request.target)
            #expect(grpc.status != nil, "stream \(exchange.streamID ?? -1) has no grpc-status")
            let found = (grpc.requestMessages + grpc.responseMessages).map(\.wireLength)
            #expect(found.sorted() == (lengths[exchange.streamID ?? -1] ?? []).sorted(), "stream \(exchange.streamID ?? -1)")
            #expect((grpc.requestMessages + grpc.responseMessages).allSatisfy { Self.fields($0) != nil }, "protobuf payloads")
        }
        #expect(lengths.values.map(\.count).reduce(0, +) == 9)
        let bytes = try Self.har(capture)
        if HARValidator.isAvailable {
            #expect(try HARValidator.validate(bytes).status == 0)
        }
        let entries = try JSONDecoder().decode(HARDocument.self, from: Data(bytes)).log.entries
        let written = entries.compactMap(\._grpc).map { $0.requestMessages.count + $0.responseMessages.count }
        #expect(written.reduce(0, +) == 9, "every message in _grpc")
    }
}
