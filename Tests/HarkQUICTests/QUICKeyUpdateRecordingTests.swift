import Foundation
import HarkCapture
import HarkTestSupport
import NIOCore
import Testing

@testable import HarkQUIC

/// The aioquic recording with five key updates each way (`H3_SCENARIO=key-updates Scripts/record-h3`),
/// as recorded and with a packet of the old key phase arriving after the first of the new one at each
/// update (`…-late.pcap`, made by `Scripts/reorder-key-updates`), checked against tshark's decrypted
/// STREAM frames of the recording as it was made.
@Suite struct QUICKeyUpdateRecordingTests {
    static let name = "h3-aioquic-key-updates"

    /// The frames of a capture in file order.
    static func frames(_ capture: String) throws -> [[UInt8]] {
        let reader = try CaptureReader(path: Fixtures.recorded(capture).path)
        var frames: [[UInt8]] = []
        while let record = reader.next() {
            if case .frame(let frame) = record { frames.append(Array(frame.data.readableBytesView)) }
        }
        return frames
    }

    @Test(arguments: ["\(name).pcap", "\(name)-late.pcap"])
    func everyPacketAcrossTheKeyUpdatesDecryptsAndEveryStreamByteArrives(capture: String) throws {
        let connections = try QUICRecordingTests.analyse(capture, keyLog: QUICRecordingTests.keyLog(Self.name))
        let oracle = try QUICRecordingTests.oracleEnds(Self.name)
        #expect(connections.count == 1)
        #expect(Set(connections.keys) == Set(oracle.keys))
        for (port, connection) in connections {
            let summary = connection.analyzer.summary
            #expect(summary.decrypted)
            // Four updates the client started and one the server started, each followed by the other side.
            #expect(summary.keyUpdates == 10)
            #expect(summary.undecryptedPackets == 0, "\(summary.undecryptedPackets) of \(summary.packets) packets did not decrypt")
            #expect(connection.gaps == 0)
            #expect(connection.bytes == oracle[port])
        }
    }

    @Test func theLateCaptureHoldsTheRecordingsFramesInAnotherOrder() throws {
        let recorded = try Self.frames("\(Self.name).pcap")
        let late = try Self.frames("\(Self.name)-late.pcap")
        #expect(late != recorded)
        #expect(late.sorted { $0.lexicographicallyPrecedes($1) } == recorded.sorted { $0.lexicographicallyPrecedes($1) })
        // A frame moved at nine of the ten updates (Scripts/reorder-key-updates skips a move that would take
        // the first packet of a phase away).
        let moved = zip(late, recorded).filter { $0 != $1 }.count
        #expect(moved >= 9)
    }
}
