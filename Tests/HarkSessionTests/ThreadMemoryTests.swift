import Foundation
import HarkCore
@testable import HarkSession
import HarkTestSupport
import NIOCore
import Testing

/// A second analysing thread costs little memory (issue 16: hark stays under its bound with the default
/// thread count, one per core, as with one): what the workers hand to the session's thread for the
/// merge is held for a few rounds only, and must not cost more than the connections' state it replaces.
struct ThreadMemoryTests {
    /// 4,000 connections, each with 8 pipelined requests never answered, all ended together by the end
    /// of the capture: each connection's end makes 8 exchanges and a record at once, which its worker
    /// holds until the merge takes them. Two threads peaked at 146.6 MB against one thread's 92.3 MB
    /// (debug build): every event held took the room of an exchange (1,376 bytes with its call index),
    /// and a round held the ends of up to 1,365 connections (3 merge items each). With events boxed
    /// (109.3 MB) and at most `ParallelDispatcher.maxRoundClosings` ends a round: 97.7 MB.
    @Test(.enabled(if: HarkBinary.url != nil && HarkBinary.time != nil, "needs the hark executable beside the tests and GNU time (/usr/bin/time)"))
    func twoThreadsPeakAtAboutWhatOneThreadDoes() throws {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("hark-thread-memory-\(getpid()).pcap")
        defer { try? FileManager.default.removeItem(at: capture) }
        try Data(Self.pipelinedRequestsNeverAnswered(connections: 4_000, requests: 8)).write(to: capture)
        let one = try HarkBinary.peakMemory(["har", "--threads", "1", capture.path, "-o", "/dev/null"])
        let two = try HarkBinary.peakMemory(["har", "--threads", "2", capture.path, "-o", "/dev/null"])
        #expect(one.status == 0 && two.status == 0)
        #expect(two.kilobytes < one.kilobytes + 16 << 10, "peak with 2 threads \(two.kilobytes) KiB, with 1 \(one.kilobytes) KiB")
    }

    /// What makes the difference above: an event a worker holds for the merge is a few words, an
    /// exchange or record boxed, whatever case someone adds later.
    @Test func eventsHeldForTheMergeAreSmall() {
        #expect(MemoryLayout<(call: Int, event: AnalysisEvent)>.stride <= 32)
    }

    /// A capture of `connections` handshakes, each followed by one segment of `requests` GETs that
    /// are never answered.
    static func pipelinedRequestsNeverAnswered(connections: Int, requests: Int) -> [UInt8] {
        var pcap = PcapBuilder()
        for index in 0..<connections {
            let client = "11.0.\(index >> 8).\(index & 0xff)"
            let port = UInt16(1024 + index % 50_000)
            let payload = (0..<requests).flatMap { Array("GET /\(index)/\($0) HTTP/1.1\r\nHost: a\r\n\r\n".utf8) }
            let frames = [
                PacketBuilder.tcpFrame(from: client, port: port, to: "10.0.0.2", sequenceNumber: 1, flags: [.syn]),
                PacketBuilder.tcpFrame(
                    from: "10.0.0.2", port: 80, to: client, port: port, sequenceNumber: 5000, acknowledgmentNumber: 2, flags: [.syn, .ack]
                ),
                PacketBuilder.tcpFrame(from: client, port: port, to: "10.0.0.2", sequenceNumber: 2, acknowledgmentNumber: 5001),
                PacketBuilder.tcpFrame(
                    from: client, port: port, to: "10.0.0.2", sequenceNumber: 2, acknowledgmentNumber: 5001, flags: [.ack, .psh], payload: payload
                ),
            ]
            for (step, frame) in frames.enumerated() {
                pcap.append(Array(frame.readableBytesView), seconds: 1_700_000_000 + UInt32(index / 1000), fraction: UInt32(index % 1000 * 1000 + step))
            }
        }
        return pcap.bytes
    }
}
