import Foundation
import HarkCapture
import HarkCore
import HarkPacket
import HarkTLS
import HarkTestSupport
import NIOCore
import Testing

@testable import HarkQUIC

/// The aioquic loopback recording (`Scripts/record-h3`) read at the QUIC layer, checked against
/// tshark's decrypted STREAM frames.
@Suite struct QUICRecordingTests {
    static let name = "h3-aioquic-requests"

    /// Per connection (by the client's port): the analyzer, and each stream direction's bytes.
    struct Connection {
        var analyzer: QUICConnectionAnalyzer
        var bytes: [String: Int] = [:]
        /// The packet numbers of each stream direction's first and last data.
        var packets: [String: [Int]] = [:]
        var finished = Set<String>()
        var gaps = 0
        var gapBytes = 0
        var diagnostics: [String] = []
    }

    /// Reads recording `capture` (a file in Tests/Fixtures/recorded whose server is on port 4433), its
    /// frames numbered in `skipping` left out; the connections share `budget` when one is given (and each
    /// datagram's handling is checked to leave it within its limit).
    static func analyse(
        _ capture: String = "\(name).pcap", keyLog: TLSKeyLog, skipping: Set<Int> = [], budget: ByteBudget? = nil
    ) throws -> [UInt16: Connection] {
        let reader = try CaptureReader(path: Fixtures.recorded(capture).path)
        var decoder = PacketDecoder()
        var connections: [UInt16: Connection] = [:]
        let clock = PacketClock()
        while let record = reader.next() {
            guard case .frame(let frame) = record, !skipping.contains(frame.number),
                case .udp(let datagram) = decoder.decode(frame.data, linkType: frame.linkType, timestamp: frame.timestamp)
            else { continue }
            let fromClient = datagram.destination.port == 4433
            let port = fromClient ? datagram.source.port : datagram.destination.port
            var connection = connections[port] ?? Connection(analyzer: QUICConnectionAnalyzer(keyLog: keyLog))
            connection.analyzer.bufferBudget = budget
            connection.analyzer.packetClock = clock
            clock.number = frame.number
            connection.analyzer.receive(datagram.payload, from: fromClient ? .clientToServer : .serverToClient, at: frame.timestamp) { event in
                switch event {
                case .streamData(let id, let direction, let bytes, _, let packet):
                    let key = "\(id)\(direction)"
                    connection.bytes[key, default: 0] += bytes.count
                    connection.packets[key] = [connection.packets[key]?.first ?? packet, packet]
                case .streamFinished(let id, let direction, _): connection.finished.insert("\(id)\(direction)")
                case .streamGap(_, _, let length, _):
                    connection.gaps += 1
                    connection.gapBytes += Int(length)
                case .diagnostic(let text, _): connection.diagnostics.append(text)
                default: break
                }
            }
            connections[port] = connection
            if let budget { #expect(budget.usedBytes <= budget.limit, "frame \(frame.number)") }
        }
        // The end of the capture ends the connections: what waits behind holes comes out as gaps.
        for port in connections.keys.sorted() {
            guard var connection = connections[port] else { continue }
            var events: [QUICEvent] = []
            connection.analyzer.finish(at: Timestamp(nanoseconds: 0)) { events.append($0) }
            for event in events {
                switch event {
                case .streamData(let id, let direction, let bytes, _, _): connection.bytes["\(id)\(direction)", default: 0] += bytes.count
                case .streamGap(_, _, let length, _):
                    connection.gaps += 1
                    connection.gapBytes += Int(length)
                default: break
                }
            }
            connections[port] = connection
        }
        return connections
    }

    /// The recording's key log, without the lines whose label `leaveOut` names.
    static func keyLog(_ recording: String = name, leavingOut leaveOut: String? = nil) throws -> TLSKeyLog {
        let keyLog = TLSKeyLog()
        var text = try String(contentsOf: Fixtures.recorded("\(recording).keys"), encoding: .utf8)
        if let leaveOut {
            text = text.split(separator: "\n").filter { !$0.hasPrefix(leaveOut + " ") }.joined(separator: "\n")
        }
        #expect(keyLog.add(Array(text.utf8), source: "keys").isEmpty)
        return keyLog
    }

    static func oracle(_ recording: String = name) throws -> QUICStreamOracle {
        try QUICStreamOracle(contentsOf: Fixtures.recorded("\(recording).oracle-stream.tsv"), serverPort: 4433)
    }

    /// From tshark's decrypted STREAM frames: per client port, stream and sender, the end of the data
    /// (the highest offset plus length; the capture has no holes, so that many bytes come in order).
    static func oracleEnds(_ recording: String = name) throws -> [UInt16: [String: Int]] {
        var ends: [UInt16: [String: Int]] = [:]
        for (key, stream) in try oracle(recording).streams {
            ends[key.clientPort, default: [:]]["\(key.streamID)\(key.direction)"] = stream.end
        }
        return ends
    }

    @Test func everyStreamByteTsharkDecryptsIsDeliveredInOrder() throws {
        let connections = try Self.analyse(keyLog: Self.keyLog())
        let oracle = try Self.oracleEnds()
        #expect(connections.count == 2)
        #expect(Set(connections.keys) == Set(oracle.keys))
        for (port, connection) in connections {
            let summary = connection.analyzer.summary
            #expect(summary.decrypted, "port \(port): \(summary.notDecryptedReason ?? "")")
            #expect(summary.serverName == "localhost")
            #expect(summary.alpn == "h3")
            #expect(summary.undecryptedPackets == 0)
            #expect(connection.gaps == 0)
            #expect(connection.bytes == oracle[port])
        }
        let versions = connections.values.compactMap(\.analyzer.summary.version).sorted { $0.rawValue < $1.rawValue }
        #expect(versions == [.v1, .v2])
        let suites = Set(connections.values.compactMap { $0.analyzer.summary.cipherSuite?.name })
        #expect(suites == ["TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"])
    }

    @Test func streamDataCarriesTheFrameNumbersTsharkShowsForItsFirstAndLastBytes() throws {
        let connections = try Self.analyse(keyLog: Self.keyLog())
        var compared = 0
        for (key, stream) in try Self.oracle().streams {
            guard let first = stream.first, let last = stream.last else { continue }
            #expect(connections[key.clientPort]?.packets["\(key.streamID)\(key.direction)"] == [first, last], "\(key)")
            compared += 1
        }
        #expect(compared > 20)
    }

    @Test func withoutTheKeyLogTheConnectionsStillShowTheirNames() throws {
        let connections = try Self.analyse(keyLog: TLSKeyLog())
        #expect(connections.count == 2)
        for connection in connections.values {
            let summary = connection.analyzer.summary
            #expect(summary.serverName == "localhost")
            #expect(summary.offeredALPN == ["h3"])
            #expect(!summary.decrypted)
            #expect(summary.notDecryptedReason == "no key log (give one with --keylog)")
            #expect(connection.bytes.isEmpty)
        }
    }
}
