import HarkCore
import HarkLiveCapture
import Testing

/// The NFLOG batch threshold follows the packet rate: one packet per message while traffic is light (the
/// read times of output-hook packets stay exact), about a millisecond of packets when it is heavy.
struct NFLOGBatchingTests {
    private static func time(milliseconds: Int64) -> Timestamp {
        Timestamp(nanoseconds: 1_700_000_000_000_000_000 + milliseconds * 1_000_000)
    }

    /// Feeds `rate` packets per second in reads 1 ms apart for `milliseconds`, starting at `start`;
    /// returns the changes asked for.
    private static func feed(_ batching: inout NFLOGBatching, rate: Int, from start: Int64, for milliseconds: Int64) -> [Int] {
        var changes: [Int] = []
        for millisecond in start..<(start + milliseconds) {
            if let change = batching.record(packets: rate / 1000, at: time(milliseconds: millisecond)) {
                changes.append(change)
            }
        }
        return changes
    }

    @Test func lightTrafficKeepsOnePacketPerMessage() {
        var batching = NFLOGBatching()
        #expect(Self.feed(&batching, rate: 1_500, from: 0, for: 500).isEmpty)
        #expect(batching.threshold == 1)
    }

    @Test func heavyTrafficGathersAboutAMillisecondOfPackets() {
        var batching = NFLOGBatching()
        // 30,000 packets/s: 30 per millisecond (not rounded down to a power of two, 16).
        #expect(Self.feed(&batching, rate: 30_000, from: 0, for: 200) == [30])
        #expect(batching.threshold == 30)
        // Faster still: capped at the buffer's 64 (the window that spans the change measured a mix).
        #expect(Self.feed(&batching, rate: 500_000, from: 200, for: 200) == [39, 64])
        // The traffic stops: the idle reads (every half second) bring it back to one.
        #expect(batching.record(packets: 0, at: Self.time(milliseconds: 900)) == 1)
        #expect(batching.threshold == 1)
    }

    @Test func theThresholdFollowsTheRateDownToWholePackets() {
        var batching = NFLOGBatching()
        // 13,000 packets/s (nginx answering about 6,500 requests/s): messages of 13, not 8.
        #expect(Self.feed(&batching, rate: 13_000, from: 0, for: 200) == [13])
        // Slower: lowered at the end of each window, so that a message never takes much more than a
        // millisecond to fill (the window that spans a change measured a mix).
        #expect(Self.feed(&batching, rate: 5_000, from: 200, for: 200) == [12, 5])
        #expect(Self.feed(&batching, rate: 1_000, from: 400, for: 200) == [4, 1])
    }

    @Test func nothingChangesWithinAWindow() {
        var batching = NFLOGBatching()
        #expect(batching.record(packets: 0, at: Self.time(milliseconds: 0)) == nil)
        // A burst of 10,000 packets within the first 49 ms is measured only when the window ends.
        #expect(batching.record(packets: 10_000, at: Self.time(milliseconds: 49)) == nil)
        #expect(batching.record(packets: 0, at: Self.time(milliseconds: 50)) == 64)
    }
}
