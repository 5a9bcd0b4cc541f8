import HarkCore
import HarkModel
import HarkPacket
import HarkReassembly
import NIOCore
import Testing

/// Issue #16 hole 3: a captured SYN flood or port scan must not grow connection state without bound.
/// The budget caps tracked connections, evicts unanswered SYNs before connections that carried data,
/// and counts every eviction.
struct ConnectionBudgetTests {
    private static let server = Endpoint(address: IPAddress(ipv4: 0x0a00_0001), port: 80)

    /// A SYN from a fresh client port (and address, past 65,535 ports).
    private func syn(_ index: Int) -> TCPSegment {
        let client = Endpoint(address: IPAddress(ipv4: 0x0b00_0000 | UInt32(index >> 16)), port: UInt16(truncatingIfNeeded: index))
        return TCPSegment(
            source: client, destination: Self.server, sequenceNumber: 1, acknowledgmentNumber: 0,
            flags: [.syn], window: 1024, options: TCPOptions(), payload: ByteBuffer()
        )
    }

    @Test func aSynFloodNeverTracksMoreThanTheBudgetAndKeepsTheConnectionThatCarriedData() {
        var limits = ReassemblyLimits()
        limits.maxTrackedConnections = 1_000
        var reassembler = TCPReassembler(limits: limits)
        var transcript = ReassemblyTranscript()
        let script = SegmentScript()
        var packet = 0
        var time = Timestamp(nanoseconds: 1_000_000_000_000)
        func feed(_ segment: TCPSegment) {
            packet += 1
            time = time.advanced(by: .milliseconds(1))
            reassembler.process(segment, at: time, packetNumber: packet, handler: &transcript)
        }
        // One real connection with a request first, then 20,000 SYNs that are never answered.
        for segment in script.handshake() + [script.segment(.clientToServer, offset: 0, "GET / HTTP/1.1\r\n\r\n")] {
            feed(segment)
        }
        var mostTracked = 0
        for index in 0..<20_000 {
            feed(syn(index))
            mostTracked = max(mostTracked, reassembler.trackedConnectionCount)
        }
        #expect(mostTracked <= limits.maxTrackedConnections)
        reassembler.finish(handler: &transcript)

        let evicted = transcript.summaries.filter { $0.clientEnd == .evicted }
        #expect(evicted.count == reassembler.evictedConnectionCount)
        #expect(evicted.count > 0)
        #expect(transcript.summaries.count == 20_001, "every connection, evicted or not, is summarised once")
        #expect(evicted.allSatisfy { $0.endDescription == "evicted" })
        let real = transcript.summaries.first { $0.info.id == 0 }
        #expect(real?.clientEnd == .endOfCapture, "the connection that carried data outlives the flood")
        #expect(transcript.stream(0) == "GET / HTTP/1.1\r\n\r\n")
    }
}
