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
        // The client asked for a key update before /large: each side's 1-RTT keys changed once, and every
        // packet after it still decrypted.
        #expect(connections.map { $0.quic?.keyUpdates } == [2, 0])
        for connection in connections {
            #expect(connection.tls?.serverName == "localhost")
            #expect(connection.tls?.alpn == "h3")
            #expect(connection.tls?.isDecrypted == true)
            #expect(connection.quic?.undecryptedPackets == 0)
            #expect(connection.quic?.closed?.hasPrefix("closed by the client") == true)
            #expect(connection.summary.info.server.port == 4433)
            #expect(connection.summary.endDescription == "fin")
            // ClientHello to the server's HANDSHAKE_DONE, well under the connection's length.
            let handshake = try #require(connection.tls?.handshakeDuration)
            #expect(handshake.nanoseconds > 0)
            #expect(handshake < connection.summary.lastTimestamp.since(connection.summary.info.firstTimestamp))
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

    @Test func exchangesCarryTheFrameNumbersOfTheirFirstAndLastBytesAsTsharkShowsThem() throws {
        let oracle = try QUICStreamOracle(contentsOf: Fixtures.recorded("h3-aioquic-requests.oracle-stream.tsv"), serverPort: 4433).streams
        let (recorder, _) = try runSession(Self.capture.path, configuration: Self.configuration(keyed: true))
        #expect(recorder.exchanges.count == 7)
        for exchange in recorder.exchanges {
            let port = exchange.connection.client.port
            for (direction, packets) in [(Direction.clientToServer, exchange.request.packets), (.serverToClient, exchange.response?.packets)] {
                let stream = oracle[QUICStreamOracle.Key(clientPort: port, streamID: exchange.streamID ?? -1, direction: direction)]
                let expected = stream.flatMap { stream in stream.first.flatMap { first in stream.last.map { PacketSpan(first: first, last: $0) } } }
                #expect(expected != nil)
                #expect(packets == expected, "\(exchange.request.target) \(direction)")
            }
        }
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

    /// The recording rewritten: records (1-based) in `dropped` left out, and `change` applied to the
    /// bytes of the others (a little-endian pcap, as tcpdump wrote it).
    static func edited(dropping dropped: Range<Int>, change: (Int, inout [UInt8]) -> Void = { _, _ in }) throws -> URL {
        let data = [UInt8](try Data(contentsOf: capture))
        var output = Array(data.prefix(24))
        var offset = 24
        var number = 0
        while offset + 16 <= data.count {
            let length = Int(data[offset + 8]) | Int(data[offset + 9]) << 8 | Int(data[offset + 10]) << 16 | Int(data[offset + 11]) << 24
            guard offset + 16 + length <= data.count else { break }
            number += 1
            if !dropped.contains(number) {
                var frame = Array(data[(offset + 16)..<(offset + 16 + length)])
                change(number, &frame)
                output += data[offset..<(offset + 16)] + frame
            }
            offset += 16 + length
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hark-h3-\(UUID().uuidString).pcap")
        try Data(output).write(to: url)
        return url
    }

    @Test func datagramsLostInTheMiddleOfALargeResponseMakeItIncompleteNotWrong() throws {
        let url = try Self.edited(dropping: 100..<120)
        defer { try? FileManager.default.removeItem(at: url) }
        let (recorder, _) = try runSession(url.path, configuration: Self.configuration(keyed: true))
        #expect(recorder.exchanges.count == 7)
        let large = try #require(recorder.exchanges.first { $0.request.target == "/large" })
        #expect(!large.isComplete)
        #expect((large.response?.body.missingBytes ?? 0) > 0)
        #expect(large.problems.contains { $0.contains("lost in capture") })
        for exchange in recorder.exchanges where exchange.request.target != "/large" {
            #expect(exchange.isComplete, "\(exchange.request.target): \(exchange.problems)")
        }
    }

    @Test func corruptedDatagramsAreCountedAndReportedNeverTrusted() throws {
        // Every fifth frame from the 10th on gets bytes flipped past the IP and UDP headers.
        let url = try Self.edited(dropping: 0..<0) { number, frame in
            guard number >= 10, number % 5 == 0, frame.count > 80 else { return }
            for index in stride(from: 60, to: frame.count, by: 17) { frame[index] ^= 0x5A }
        }
        defer { try? FileManager.default.removeItem(at: url) }
        let (recorder, _) = try runSession(url.path, configuration: Self.configuration(keyed: true))
        let connections = recorder.connectionsByID
        #expect(connections.count == 2)
        #expect(connections.contains { ($0.quic?.undecryptedPackets ?? 0) > 0 })
        let failure = try #require(recorder.diagnostics.first { $0.message.contains("did not decrypt") })
        // It names the packet to look at in Wireshark: one of those corrupted.
        let number = try #require(failure.packetNumber)
        #expect(number >= 10 && number % 5 == 0)
        // What was read is still right: every exchange that completed has the status the client saw.
        for exchange in recorder.exchanges where exchange.isComplete {
            #expect(exchange.response?.status.rawValue == (exchange.request.target == "/missing" ? 404 : 200))
        }
    }

    @Test func aCaptureThatBeginsMidConnectionOnPort443ShowsTheConnectionWithTheReason() throws {
        // The handshake left out, and the server moved to port 443 (UDP header at byte 34 on lo's
        // Ethernet framing; UDP checksums are not checked).
        let url = try Self.edited(dropping: 1..<12) { _, frame in
            for offset in [34, 36] where frame.count > offset + 1 && frame[offset] == 0x11 && frame[offset + 1] == 0x51 {
                frame[offset] = 0x01
                frame[offset + 1] = 0xBB
            }
        }
        defer { try? FileManager.default.removeItem(at: url) }
        let (recorder, statistics) = try runSession(url.path, configuration: Self.configuration(keyed: true))
        let connections = recorder.connectionsByID
        #expect(connections.count == 2)
        let first = try #require(connections.first)
        #expect(first.applicationProtocol == .quic)
        #expect(first.summary.info.server.port == 443)
        #expect(first.summary.info.roleSource == .portHeuristic)
        #expect(first.tls?.notDecryptedReason == "the client's Initial packet was not captured")
        #expect(statistics.otherTraffic.isEmpty)
        // The second connection is whole: still decrypted.
        #expect(connections.last?.applicationProtocol == .http3)
    }

    @Test func aConnectionThatMovesToANewPortMidwayIsFollowedByItsConnectionIDs() throws {
        // A NAT rebinding from frame 150 on (inside the large response): the client's port changes by
        // one in both directions (UDP ports at bytes 34 and 36 on lo's Ethernet framing).
        var clientPort: (UInt8, UInt8)?
        let url = try Self.edited(dropping: 0..<0) { number, frame in
            guard frame.count > 37 else { return }
            if number == 1 { clientPort = (frame[34], frame[35]) }
            guard number >= 150, let port = clientPort else { return }
            for offset in [34, 36] where frame[offset] == port.0 && frame[offset + 1] == port.1 {
                frame[offset + 1] = port.1 &+ 1
            }
        }
        defer { try? FileManager.default.removeItem(at: url) }
        let (recorder, statistics) = try runSession(url.path, configuration: Self.configuration(keyed: true))
        #expect(statistics.udpFlows == 3)
        let connections = recorder.connectionsByID
        #expect(connections.count == 2)
        #expect(connections.first?.applicationProtocol == .http3)
        #expect(connections.first?.quic?.undecryptedPackets == 0)
        // Both paths' packets count for the one connection.
        let total = connections.reduce(0) { $0 + $1.summary.clientToServer.packets + $1.summary.serverToClient.packets }
        #expect(total == statistics.udpDatagrams)
        #expect(recorder.exchanges.count == 7)
        #expect(recorder.exchanges.allSatisfy { $0.isComplete })
    }
}
