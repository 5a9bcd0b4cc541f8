import Foundation
import HarkCore
import HarkModel
import HarkSession
import HarkTestSupport
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
