import HarkTestSupport
import Testing

@testable import HarkQUIC

/// The aioquic recording of a resumed connection (`H3_SCENARIO=resume Scripts/record-h3`): the second
/// connection sends two requests as 0-RTT packets before its handshake completes, and its server pushes
/// two responses. Checked against tshark's decrypted STREAM frames, which include the 0-RTT ones.
@Suite struct QUICEarlyDataRecordingTests {
    static let name = "h3-aioquic-resume"

    @Test func zeroRTTPacketsDecryptWithTheEarlyTrafficSecretAsTsharkDecryptsThem() throws {
        let connections = try QUICRecordingTests.analyse("\(Self.name).pcap", keyLog: QUICRecordingTests.keyLog(Self.name))
        let ends = try QUICRecordingTests.oracleEnds(Self.name)
        #expect(connections.count == 2)
        #expect(Set(connections.keys) == Set(ends.keys))
        for (port, connection) in connections {
            #expect(connection.analyzer.summary.undecryptedPackets == 0, "\(connection.diagnostics)")
            #expect(connection.gaps == 0)
            #expect(connection.bytes == ends[port])
        }
        // The first connection gets the session ticket; the second sends its first two requests as 0-RTT.
        #expect(connections.values.map(\.analyzer.summary.earlyDataPackets).sorted() == [0, 2])
        var compared = 0
        for (key, stream) in try QUICRecordingTests.oracle(Self.name).streams {
            guard let first = stream.first, let last = stream.last else { continue }
            #expect(connections[key.clientPort]?.packets["\(key.streamID)\(key.direction)"] == [first, last], "\(key)")
            compared += 1
        }
        // Among them the requests on streams 0 and 4 of the resumed connection, in 0-RTT packets 9 and 10.
        #expect(compared > 15)
    }

    @Test func withoutTheEarlyTrafficSecretTheZeroRTTPacketsAreCountedAndSaidWhy() throws {
        let keyLog = try QUICRecordingTests.keyLog(Self.name, leavingOut: "CLIENT_EARLY_TRAFFIC_SECRET")
        let connections = try QUICRecordingTests.analyse("\(Self.name).pcap", keyLog: keyLog)
        let resumed = try #require(connections.values.first { $0.analyzer.summary.undecryptedPackets > 0 })
        #expect(resumed.analyzer.summary.undecryptedPackets == 2)
        #expect(resumed.analyzer.summary.earlyDataPackets == 0)
        #expect(resumed.analyzer.summary.decrypted)
        #expect(resumed.diagnostics.contains { $0.hasPrefix("0-RTT packets not decrypted: the key log lacks CLIENT_EARLY_TRAFFIC_SECRET") })
        // The requests sent as early data are missing: their streams begin with a hole.
        #expect(resumed.bytes["0client→server"] == nil)
    }
}
