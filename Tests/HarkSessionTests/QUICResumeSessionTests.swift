import Foundation
import HarkCore
import HarkModel
import HarkSession
import HarkTestSupport
import Testing

/// The aioquic recording of a resumed connection (`H3_SCENARIO=resume Scripts/record-h3`) through the
/// whole session: the requests sent as 0-RTT early data and the two responses the server pushed are
/// exchanges, as the client logged them and where tshark shows their bytes.
struct QUICResumeSessionTests {
    static let name = "h3-aioquic-resume"

    /// One request or push as the client's log (`…expected.json`) tells it.
    struct Logged: Decodable {
        var stream: Int?
        var method: String
        var path: String
        var status: Int
        var response_bytes: Int
        var connection: Int
        var early_data: Bool?
        var push_id: Int?
        var promised_on: Int?
    }

    static func run() throws -> SessionRecorder {
        var configuration = SessionConfiguration()
        configuration.keyLogPaths = [Fixtures.recorded("\(name).keys").path]
        return try runSession(Fixtures.recorded("\(name).pcap").path, configuration: configuration).0
    }

    @Test func earlyDataRequestsAndPushedResponsesAreExchangesAsTheClientLoggedThem() throws {
        let log = try JSONDecoder().decode([Logged].self, from: Data(contentsOf: Fixtures.recorded("\(Self.name).expected.json")))
        let recorder = try Self.run()
        let connections = recorder.connectionsByID
        #expect(connections.map { $0.quic?.earlyDataPackets } == [0, 2])
        #expect(connections.map { $0.quic?.undecryptedPackets } == [0, 0])
        #expect(recorder.exchanges.count == log.count)
        #expect(log.filter { $0.early_data == true }.count == 2)
        #expect(log.filter { $0.push_id != nil }.count == 2)
        for logged in log {
            let exchange = try #require(recorder.exchanges.first { $0.connection.id == logged.connection - 1 && $0.request.target == logged.path })
            #expect(exchange.applicationProtocol == .http3)
            #expect(exchange.request.method.rawValue == logged.method)
            #expect(exchange.response?.status.rawValue == logged.status)
            #expect(exchange.response?.body.length == logged.response_bytes)
            if let pushID = logged.push_id, let origin = logged.promised_on {
                #expect(exchange.problems == ["pushed by the server (PUSH_PROMISE on stream \(origin), push ID \(pushID))"])
            } else if logged.early_data == true {
                // The client's log says the request went as 0-RTT early data: replayable, said so.
                #expect(exchange.streamID == logged.stream)
                #expect(exchange.problems == ["request sent as 0-RTT early data (replayable)"], "\(logged.path)")
                #expect(exchange.response?.body.isComplete == true)
            } else {
                #expect(exchange.streamID == logged.stream)
                #expect(exchange.isComplete, "\(logged.path): \(exchange.problems)")
            }
        }
    }

    @Test func exchangesCarryTheFrameNumbersTsharkShowsForTheirStreams() throws {
        let oracle = try QUICStreamOracle(contentsOf: Fixtures.recorded("\(Self.name).oracle-stream.tsv"), serverPort: 4433).streams
        let recorder = try Self.run()
        var compared = 0
        for exchange in recorder.exchanges {
            let port = exchange.connection.client.port
            let streamID = exchange.streamID ?? -1
            // A push's request is its PUSH_PROMISE, on another stream; its response is the push stream's.
            let isPushed = exchange.problems.contains { $0.hasPrefix("pushed by the server") }
            let sides = isPushed
                ? [(Direction.serverToClient, exchange.response?.packets)]
                : [(Direction.clientToServer, exchange.request.packets), (.serverToClient, exchange.response?.packets)]
            for (direction, packets) in sides {
                let stream = try #require(oracle[QUICStreamOracle.Key(clientPort: port, streamID: streamID, direction: direction)], "\(exchange.request.target)")
                #expect(packets?.first == stream.first && packets?.last == stream.last, "\(exchange.request.target) \(direction)")
                compared += 1
            }
        }
        // The two early requests are in tshark's 0-RTT packets; the pushes on streams 15 and 19.
        #expect(compared == 2 * 4 + 2)
        #expect(Set(recorder.exchanges.filter { $0.problems.contains { $0.hasPrefix("pushed by the server") } }.compactMap(\.streamID)) == [15, 19])
        // Those early requests, and only they, are flagged as replayable.
        let early = recorder.exchanges.filter { $0.problems.contains("request sent as 0-RTT early data (replayable)") }
        #expect(early.compactMap(\.streamID).sorted() == [0, 4])
        #expect(Set(early.map(\.connection.id)) == [1])
    }
}
