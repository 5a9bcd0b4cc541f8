import HarkCore
import HarkModel
import HarkReassembly
@testable import HarkText
import Testing

struct TCPEventCoalescerTests {
    private func event(_ kind: TCPEvent.Kind, connection: Int = 0, from direction: Direction = .serverToClient, at milliseconds: Int64)
        -> TCPEvent
    {
        TCPEvent(
            connectionID: connection,
            direction: direction,
            timestamp: Timestamp(nanoseconds: milliseconds * 1_000_000),
            packetNumber: 1,
            kind: kind
        )
    }

    @Test func showsTheFirstOfABurstAndCountsTheRest() {
        var coalescer = TCPEventCoalescer()
        let shown = [100, 200, 300].enumerated().map { index, length in
            coalescer.offer(event(.retransmission(length: length), at: Int64(index) * 10))
        }
        #expect(shown == [true, false, false])
        let bursts = coalescer.flush(connection: 0)
        #expect(bursts.count == 1)
        #expect(bursts.first?.count == 2)
        #expect(bursts.first?.bytes == 500)
        #expect(bursts.first?.last == Timestamp(nanoseconds: 20_000_000))
        // A flushed burst is closed: the next one is shown again.
        let next = coalescer.offer(event(.retransmission(length: 100), at: 30))
        #expect(next)
    }

    @Test func keepsKindsDirectionsAndConnectionsApart() {
        var coalescer = TCPEventCoalescer()
        let shown = [
            coalescer.offer(event(.retransmission(length: 1), at: 0)),
            coalescer.offer(event(.retransmission(length: 1), from: .clientToServer, at: 0)),
            coalescer.offer(event(.duplicateAck, at: 0)),
            coalescer.offer(event(.retransmission(length: 1), connection: 1, at: 0)),
            coalescer.offer(event(.retransmission(length: 1), connection: 1, at: 1)),
        ]
        #expect(shown == [true, true, true, true, false])
        let first = coalescer.flush(connection: 0)
        let second = coalescer.flush(connection: 1)
        #expect(first.isEmpty)
        #expect(second.count == 1)
    }

    @Test func neverHoldsBackHandshakesSynRetriesOrFins() {
        var coalescer = TCPEventCoalescer()
        var shown: [Bool] = []
        for _ in 0..<3 {
            shown.append(coalescer.offer(event(.synRetransmission, from: .clientToServer, at: 0)))
            shown.append(coalescer.offer(event(.handshakeComplete(roundTrip: .milliseconds(5)), at: 0)))
            shown.append(coalescer.offer(event(.fin, at: 0)))
        }
        #expect(shown.allSatisfy { $0 })
    }

    @Test func burstsExpireAfterOneSecondOfCaptureTime() {
        var coalescer = TCPEventCoalescer()
        let shown = [coalescer.offer(event(.gap(length: 10), at: 0)), coalescer.offer(event(.gap(length: 10), at: 500))]
        #expect(shown == [true, false])
        let early = coalescer.flushExpired(now: Timestamp(nanoseconds: 900_000_000))
        #expect(early.isEmpty)
        let expired = coalescer.flushExpired(now: Timestamp(nanoseconds: 1_100_000_000))
        #expect(expired.map(\.count) == [1])
        let again = coalescer.offer(event(.gap(length: 10), at: 1_100))
        #expect(again)
    }
}
