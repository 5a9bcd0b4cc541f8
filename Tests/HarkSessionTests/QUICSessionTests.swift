import Foundation
import HarkCore
import HarkModel
import HarkSession
import HarkTestSupport
import NIOCore
import Testing

/// The aioquic HTTP/3 recording (`Scripts/record-h3`) through the whole session: QUIC connections are
/// listed with their names and versions, decrypted with the key log or shown with the reason why not.
struct QUICSessionTests {
    static let capture = Fixtures.recorded("h3-aioquic-requests.pcap")
    static let keys = Fixtures.recorded("h3-aioquic-requests.keys")

    static func configuration(keyed: Bool) -> SessionConfiguration {
        var configuration = SessionConfiguration()
        if keyed { configuration.keyLogPaths = [keys.path] }
        return configuration
    }

    @Test func withTheKeyLogBothConnectionsAreDecryptedHTTP3() throws {
        let (recorder, statistics) = try runSession(Self.capture.path, configuration: Self.configuration(keyed: true))
        let connections = recorder.connectionsByID
        #expect(connections.map(\.summary.info.id) == [0, 1])
        #expect(connections.map(\.applicationProtocol) == [.http3, .http3])
        #expect(connections.map { $0.quic?.version } == ["QUIC v1", "QUIC v2"])
        #expect(connections.map { $0.tls?.cipherSuite } == ["TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"])
        for connection in connections {
            #expect(connection.tls?.serverName == "localhost")
            #expect(connection.tls?.alpn == "h3")
            #expect(connection.tls?.isDecrypted == true)
            #expect(connection.quic?.undecryptedPackets == 0)
            #expect(connection.quic?.closed?.hasPrefix("closed by the client") == true)
            #expect(connection.summary.info.server.port == 4433)
            #expect(connection.summary.endDescription == "fin")
        }
        #expect(statistics.connections == 2)
        #expect(statistics.udpFlows == 2)
        #expect(statistics.otherTraffic.isEmpty)
        #expect(statistics.udpDatagrams == connections.reduce(0) { $0 + $1.summary.clientToServer.packets + $1.summary.serverToClient.packets })
        #expect(recorder.diagnostics.filter { $0.severity == .error }.isEmpty, "\(recorder.diagnostics)")
    }

    /// One request as the client's log (`…expected.json`) tells it.
    struct LoggedRequest: Decodable {
        var stream: Int
        var method: String
        var path: String
        var request_bytes: Int
        var status: Int
        var response_bytes: Int
        var quic_version: String
    }

    @Test func everyRequestOfTheClientsLogIsAnHTTP3Exchange() throws {
        let log = try JSONDecoder().decode(
            [LoggedRequest].self, from: Data(contentsOf: Fixtures.recorded("h3-aioquic-requests.expected.json")))
        let (recorder, statistics) = try runSession(Self.capture.path, configuration: Self.configuration(keyed: true))
        let exchanges = recorder.exchanges
        #expect(exchanges.count == log.count)
        #expect(statistics.exchanges == log.count)
        for (exchange, logged) in zip(exchanges, log) {
            #expect(exchange.applicationProtocol == .http3)
            #expect(exchange.streamID == logged.stream)
            #expect(exchange.request.method.rawValue == logged.method)
            #expect(exchange.request.target == logged.path)
            #expect(exchange.request.scheme == "https")
            #expect(exchange.request.authority == "localhost")
            #expect(exchange.request.version == "HTTP/3")
            #expect(exchange.request.body.length == logged.request_bytes)
            #expect(exchange.response?.status.rawValue == logged.status)
            #expect(exchange.response?.headers.first("server") == "h3-peer")
            #expect(exchange.problems.isEmpty, "\(exchange.problems)")
            #expect(exchange.isComplete)
            let version = exchange.connection.id == 0 ? "v1" : "v2"
            #expect(version == logged.quic_version)
            // The client logged the body bytes it received, as sent (aioquic does not decode content).
            #expect(exchange.response?.body.length == logged.response_bytes)
        }
        // The gzip body is decoded: the peer's JSON document of 923 bytes (Tests/Fixtures/loopback/h3_peer.py).
        let gzip = try #require(exchanges.first { $0.request.target == "/gzip" }?.response)
        #expect(gzip.body.contentCodings == ["gzip"])
        #expect(gzip.body.decodedLength == 923)
        let decoded = try #require(gzip.body.decoded).readAll()
        #expect(String(buffer: decoded).hasPrefix("{\"items\": [0, 1, 2"))
    }

    @Test func withoutTheKeyLogTheConnectionsAreShownWithTheReason() throws {
        let (recorder, _) = try runSession(Self.capture.path, configuration: Self.configuration(keyed: false))
        let connections = recorder.connectionsByID
        #expect(connections.count == 2)
        for connection in connections {
            #expect(connection.applicationProtocol == .quic)
            #expect(connection.tls?.serverName == "localhost")
            #expect(connection.tls?.offeredALPN == ["h3"])
            #expect(connection.tls?.notDecryptedReason == "no key log (give one with --keylog)")
        }
        // Each stands for itself in traces, as an undecrypted TLS connection does.
        #expect(recorder.exchanges.map(\.applicationProtocol) == [.quic, .quic])
        #expect(recorder.exchanges.first?.problems.first?.hasPrefix("QUIC not decrypted: no key log") == true)
    }
}
