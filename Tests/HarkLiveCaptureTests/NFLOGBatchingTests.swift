import HarkCore
import HarkLiveCapture
import Testing

/// The NFLOG batch threshold follows the packet rate: one packet per message while traffic is light (the
/// read times of output-hook packets stay exact), about a millisecond of packets when it is heavy; while
/// every packet carries the kernel's time, full messages and a read that sleeps through them.
struct NFLOGBatchingTests {
    private static func time(milliseconds: Int64) -> Timestamp {
        Timestamp(nanoseconds: 1_700_000_000_000_000_000 + milliseconds * 1_000_000)
    }

    /// Feeds `rate` packets per second in reads 1 ms apart for `milliseconds`, starting at `start`,
    /// none of them with the kernel's time unless `kernelTimed`; returns the thresholds asked for.
    private static func feed(
        _ batching: inout NFLOGBatching, rate: Int, kernelTimed: Bool = false, from start: Int64, for milliseconds: Int64
    ) -> [Int] {
        feedPlans(&batching, rate: rate, kernelTimed: kernelTimed, from: start, for: milliseconds).map(\.threshold)
    }

    /// As `feed`, returning the whole plans asked for.
    private static func feedPlans(
        _ batching: inout NFLOGBatching, rate: Int, kernelTimed: Bool, from start: Int64, for milliseconds: Int64
    ) -> [NFLOGBatching.Plan] {
        var changes: [NFLOGBatching.Plan] = []
        for millisecond in start..<(start + milliseconds) {
            let count = rate / 1000
            if let change = batching.record(packets: count, withoutKernelTime: kernelTimed ? 0 : count, at: time(milliseconds: millisecond)) {
                changes.append(change)
            }
        }
        return changes
    }

    @Test func lightTrafficKeepsOnePacketPerMessage() {
        var batching = NFLOGBatching()
        #expect(Self.feed(&batching, rate: 1_500, from: 0, for: 500).isEmpty)
        #expect(batching.plan.threshold == 1)
    }

    @Test func heavyTrafficGathersAboutAMillisecondOfPackets() {
        var batching = NFLOGBatching()
        // 30,000 packets/s: 30 per millisecond (not rounded down to a power of two, 16).
        #expect(Self.feed(&batching, rate: 30_000, from: 0, for: 200) == [30])
        #expect(batching.plan.threshold == 30)
        // Faster still: capped at the buffer's 64 (the window that spans the change measured a mix).
        #expect(Self.feed(&batching, rate: 500_000, from: 200, for: 200) == [39, 64])
        // The traffic stops: the idle reads (every half second) bring it back to one.
        #expect(batching.record(packets: 0, withoutKernelTime: 0, at: Self.time(milliseconds: 900))?.threshold == 1)
        #expect(batching.plan.threshold == 1)
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
        #expect(batching.record(packets: 0, withoutKernelTime: 0, at: Self.time(milliseconds: 0)) == nil)
        // A burst of 10,000 packets within the first 49 ms is measured only when the window ends.
        #expect(batching.record(packets: 10_000, withoutKernelTime: 10_000, at: Self.time(milliseconds: 49)) == nil)
        #expect(batching.record(packets: 0, withoutKernelTime: 0, at: Self.time(milliseconds: 50))?.threshold == 64)
    }

    @Test func busyKernelTimedTrafficFillsMessagesAndSleepsThroughThem() {
        var batching = NFLOGBatching()
        // 26,000 packets/s, all stamped by the kernel (a watched service busy on loopback).
        #expect(Self.feedPlans(&batching, rate: 26_000, kernelTimed: true, from: 0, for: 200) == [
            NFLOGBatching.Plan(threshold: NFLOGBatching.fullMessageThreshold, sleepsUntilHandOver: true)
        ])
        // Packets without a kernel time come (a watched client talks to another machine): the next
        // window follows the rate and wakes for each message again.
        #expect(Self.feedPlans(&batching, rate: 26_000, kernelTimed: false, from: 200, for: 100) == [
            NFLOGBatching.Plan(threshold: 26, sleepsUntilHandOver: false)
        ])
    }

    @Test func oneUnstampedPacketInAWindowKeepsTheReadsAwake() {
        var batching = NFLOGBatching()
        for millisecond in Int64(0)..<60 {
            // 20 packets a millisecond, one of the whole window without a kernel time.
            _ = batching.record(packets: 20, withoutKernelTime: millisecond == 30 ? 1 : 0, at: Self.time(milliseconds: millisecond))
        }
        #expect(batching.plan == NFLOGBatching.Plan(threshold: 20, sleepsUntilHandOver: false))
    }

    @Test func lightKernelTimedTrafficStillWakesForEachMessage() {
        var batching = NFLOGBatching()
        // Fewer than one packet per millisecond: a packet without a kernel time arriving in a sleep
        // could wait long for a kernel time to bound it, and wakes are few anyway.
        var changes: [NFLOGBatching.Plan] = []
        for millisecond in stride(from: Int64(0), to: 300, by: 2) {
            // One packet every 2 ms, read as it comes.
            if let change = batching.record(packets: 1, withoutKernelTime: 0, at: Self.time(milliseconds: millisecond)) {
                changes.append(change)
            }
        }
        #expect(changes.isEmpty)
        #expect(batching.plan == NFLOGBatching.Plan(threshold: 1, sleepsUntilHandOver: false))
    }
}
