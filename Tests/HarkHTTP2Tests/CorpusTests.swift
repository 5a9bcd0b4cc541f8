import Foundation
import HarkCapture
import HarkCore
import HarkHTTP2
import HarkModel
import HarkPacket
import HarkReassembly
import HarkTestSupport
import NIOCore
import Testing

/// Feeds every TCP connection of a capture to its own `HTTP2Analyzer`, as the session would for a
/// connection found to be HTTP/2.
struct HTTP2Feeder: TCPStreamHandler {
    var analyzers: [Int: HTTP2Analyzer] = [:]
    /// Every connection id, in the order opened (tshark's tcp.stream order).
    var connections: [Int] = []
    /// Exchanges per connection id, in the order emitted.
    var exchanges: [Int: [HTTP2Exchange]] = [:]
    var diagnostics: [HTTP2Diagnostic] = []

    mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        connections.append(connection.id)
        analyzers[connection.id] = HTTP2Analyzer(start: connection.roleSource == .handshake ? .connectionStart : .midConnection)
    }

    mutating func deliver(_ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp, packetNumber: Int) {
        var events: [HTTP2Event] = []
        analyzers[connection]?.receive(bytes, from: direction, at: time) { events.append($0) }
        record(events, connection)
    }

    mutating func gap(_ length: Int, connection: Int, direction: Direction, at time: Timestamp) {
        var events: [HTTP2Event] = []
        analyzers[connection]?.gap(length, in: direction, at: time) { events.append($0) }
        record(events, connection)
    }

    mutating func streamEnded(connection: Int, direction: Direction, reason: StreamEndReason, at time: Timestamp) {
        var events: [HTTP2Event] = []
        analyzers[connection]?.finish(direction, at: time) { events.append($0) }
        record(events, connection)
    }

    private mutating func record(_ events: [HTTP2Event], _ connection: Int) {
        for event in events {
            switch event {
            case .exchange(let exchange): exchanges[connection, default: []].append(exchange)
            case .diagnostic(let diagnostic): diagnostics.append(diagnostic)
            case .streamSwitched, .streamData, .streamGap, .streamEnded:
                Issue.record("no stream of the corpus is an extended CONNECT: \(event)")
            }
        }
    }
}

/// Runs a capture's TCP payloads through HTTP/2 analyzers.
func analyze(_ url: URL) throws -> HTTP2Feeder {
    let reader = try CaptureReader(path: url.path)
    var decoder = PacketDecoder()
    var reassembler = TCPReassembler()
    var feeder = HTTP2Feeder()
    while let record = reader.next() {
        guard case .frame(let frame) = record,
            case .tcp(let segment) = decoder.decode(frame.data, linkType: frame.linkType, timestamp: frame.timestamp)
        else { continue }
        reassembler.process(segment, at: frame.timestamp, packetNumber: frame.number, handler: &feeder)
    }
    reassembler.finish(handler: &feeder)
    return feeder
}

/// What tshark's HTTP/2 oracle lists for one connection: requests and statuses by stream.
struct HTTP2Oracle {
    struct Request: Hashable {
        var stream: UInt32
        var method: String
        var path: String
        var authority: String
    }

    var requests: [Int: [Request]] = [:]
    var statuses: [Int: [UInt32: [String]]] = [:]

    init(_ url: URL) throws {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst(3)
        for line in lines {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= 8, let connection = Int(columns[1]) else { continue }
            let streams = columns[2].split(separator: ",").compactMap { UInt32($0) }
            let types = columns[3].split(separator: ",")
            let headerStreams = zip(streams, types).filter { $0.1 == "1" }.map(\.0)
            let methods = columns[4].split(separator: ",", omittingEmptySubsequences: false)
            if !columns[4].isEmpty {
                for (index, method) in methods.enumerated() where index < headerStreams.count {
                    requests[connection, default: []].append(
                        Request(stream: headerStreams[index], method: String(method), path: columns[5], authority: columns[6]))
                }
            }
            for (index, status) in columns[7].split(separator: ",").enumerated() where index < headerStreams.count {
                statuses[connection, default: [:]][headerStreams[index], default: []].append(String(status))
            }
        }
    }
}

/// Compares a capture's exchanges with its oracle, connection by connection (tcp.stream = id order).
func expectAgreement(_ capture: String, oracle: String, in directory: URL = Fixtures.corpusDirectory) throws {
    let feeder = try analyze(directory.appendingPathComponent(capture))
    let truth = try HTTP2Oracle(directory.appendingPathComponent(oracle))
    let connections = feeder.connections
    #expect(!truth.requests.isEmpty, "\(capture): empty oracle")
    for (tcpStream, expected) in truth.requests {
        guard tcpStream < connections.count, let exchanges = feeder.exchanges[connections[tcpStream]] else {
            Issue.record("\(capture): connection \(tcpStream) has no exchanges")
            continue
        }
        let found = exchanges.compactMap { exchange in
            exchange.request.map {
                HTTP2Oracle.Request(stream: exchange.streamID, method: $0.method?.rawValue ?? "", path: $0.path ?? "",
                    authority: $0.authority ?? "")
            }
        }
        #expect(Set(found) == Set(expected), "\(capture) connection \(tcpStream)")
        for (stream, statuses) in truth.statuses[tcpStream] ?? [:] {
            let exchange = exchanges.first { $0.streamID == stream }
            let ours = (exchange?.interimResponses ?? []).compactMap(\.status) + [exchange?.response?.status].compactMap { $0 }
            #expect(ours.map(\.description) == statuses, "\(capture) stream \(stream)")
        }
    }
}

@Test func continuationCaptureAgreesWithTshark() throws {
    try expectAgreement("h2c-continuation-frames.pcap", oracle: "h2c-continuation-frames.oracle.tsv")
}

@Test func dnsOverHTTPSCaptureAgreesWithTshark() throws {
    try expectAgreement("h2c-prior-knowledge-doh-post.pcap", oracle: "h2c-prior-knowledge-doh-post.oracle.tsv")
}

@Test func priorKnowledgeOnPort443AgreesWithTshark() throws {
    try expectAgreement("h2c-prior-knowledge-on-port-443.pcap", oracle: "h2c-prior-knowledge-on-port-443.oracle.tsv")
}

@Test(.enabled(if: Fixtures.sharedCorpusDirectory != nil, "../shared/corpus is absent (grpc-h2c-unary-calls.pcap is not licensed for the repository)"))
func grpcCaptureAgreesWithTshark() throws {
    let shared = try #require(Fixtures.sharedCorpusDirectory)
    try expectAgreement("grpc-h2c-unary-calls.pcap", oracle: "grpc-h2c-unary-calls.oracle.tsv", in: shared)
    let feeder = try analyze(shared.appendingPathComponent("grpc-h2c-unary-calls.pcap"))
    let exchanges = feeder.exchanges.values.flatMap { $0 }
    // The oracle's gRPC messages: declared lengths per HTTP/2 stream.
    var expected: [UInt32: [Int]] = [:]
    let lines = try String(contentsOf: shared.appendingPathComponent("grpc-h2c-unary-calls.oracle-grpc.tsv"), encoding: .utf8)
    for line in lines.split(separator: "\n").dropFirst(3) {
        let columns = line.split(separator: "\t").map(String.init)
        guard columns.count >= 5, let stream = columns[2].split(separator: ",").first.flatMap({ UInt32($0) }) else { continue }
        expected[stream, default: []] += columns[4].split(separator: ",").compactMap { Int($0) }
    }
    #expect(expected.values.map(\.count).reduce(0, +) == 9)
    for exchange in exchanges {
        let call = try #require(exchange.grpc, "stream \(exchange.streamID) not seen as gRPC")
        #expect(call.service == "RPC_BFCP_SRV.BFCP_GRPC_Service")
        #expect(call.status != nil, "stream \(exchange.streamID) has no grpc-status")
        let lengths = (call.requestMessages + call.responseMessages).map(\.wireLength)
        #expect(lengths.sorted() == (expected[exchange.streamID] ?? []).sorted(), "stream \(exchange.streamID)")
        #expect(!call.hasIncompleteMessages)
    }
    #expect(exchanges.contains { $0.grpc?.isTrailersOnly == true })
}
