public import HarkCore

/// How an NFLOG group is read (`--pid`, `-- CMD`): how many packets the kernel gathers into one netlink
/// message, and whether a read wakes for each message, chosen from the packets of the last `window`.
///
/// Each message costs a wake and a `recv`; one per packet made reading `--pid` traffic cost 1.4× the
/// CPU per request of reading the same traffic from a file. The kernel stamps only input-hook packets
/// (loopback packets included: hark logs them on their way in, see `HarkProcess.CaptureRuleset`);
/// an output-hook packet takes the time it is read, bounded by the next kernel time (`NFLOGClock`), so
/// the moment a packet is read matters only while packets without a kernel time come:
/// - **Some packets of the window had no kernel time**: the threshold follows the rate, as many whole
///   packets as arrive in `batchSpan` (one when traffic is light), so a packet waits at most about
///   `batchSpan`, until the kernel's next timer tick when the traffic stops (4 ms at HZ 250), and a
///   read wakes for each message. Any count from 1 to `maximumThreshold`, not only powers of two:
///   rounding down to one halved the packets per message just above each power (13 packets a
///   millisecond gave messages of 8).
/// - **Every packet had the kernel's time, at least one per `batchSpan`** (a watched service busy on
///   loopback): messages are as full as their buffer allows (`fullMessageThreshold`; with the 64
///   packets of the other plan, a third of it) and a read sleeps until its hand-over is
///   due, then takes every message waiting: one wake per hand-over, as for an interface's ring, instead
///   of a thousand a second. Should a packet without a kernel time come meanwhile, it is read late but
///   placed no later than the next packet with one logged after it, which at this rate comes within
///   about `batchSpan`; the next window goes back to waking for each message.
public struct NFLOGBatching: Sendable {
    /// What the reader asks of the kernel and does itself.
    public struct Plan: Equatable, Sendable {
        /// Packets per message asked of the kernel.
        public var threshold: Int
        /// Whether a read sleeps until its hand-over is due and then takes every message waiting,
        /// rather than waking for each.
        public var sleepsUntilHandOver: Bool

        public init(threshold: Int, sleepsUntilHandOver: Bool) {
            self.threshold = threshold
            self.sleepsUntilHandOver = sleepsUntilHandOver
        }
    }

    /// About how long the first packet of a batch waits for the batch to fill.
    public static let batchSpan = TimeSpan.milliseconds(1)
    /// How often the rate is measured and the plan reconsidered.
    public static let window = TimeSpan.milliseconds(50)
    /// The most packets per message while packets without a kernel time come: about a millisecond's
    /// at 64,000 a second.
    public static let maximumThreshold = 64
    /// The threshold while every packet is kernel-timed: more packets than fit in `bufferSize`, so that
    /// the buffer decides (about 140 small loopback packets), or the kernel's next timer tick.
    public static let fullMessageThreshold = 1024
    /// The kernel's buffer per message: 64 packets of a few hundred bytes fit, and with the
    /// kernel's bookkeeping it stays within an order-3 (32 KiB) allocation, which the kernel can
    /// find when it logs (it allocates without waiting).
    public static let bufferSize: UInt32 = 30 << 10

    /// The plan now followed: one packet per message, a wake for each, until the traffic is measured.
    public private(set) var plan = Plan(threshold: 1, sleepsUntilHandOver: false)
    private var windowStart: Timestamp?
    private var lastRead: Timestamp?
    private var packets = 0
    private var packetsWithoutKernelTime = 0

    public init() {}

    /// Counts `count` packets read at `now`, `withoutKernelTime` of them without the kernel's time (a
    /// read that found nothing counts too); at the end of each window, returns the plan to follow when
    /// it changed, else nil. A read that found nothing after a whole window of waiting means the
    /// traffic stopped: back to one packet per message, a wake for each, at once.
    public mutating func record(packets count: Int, withoutKernelTime: Int, at now: Timestamp) -> Plan? {
        let previousRead = lastRead
        lastRead = now
        guard let start = windowStart, let previousRead else {
            windowStart = now
            packets = max(count, 0)
            packetsWithoutKernelTime = max(withoutKernelTime, 0)
            return nil
        }
        packets = Self.sum(packets, count)
        packetsWithoutKernelTime = Self.sum(packetsWithoutKernelTime, withoutKernelTime)
        let elapsed = now.since(start)
        guard elapsed >= Self.window else { return nil }
        let stopped = count == 0 && now.since(previousRead) >= Self.window
        let perSpan = stopped ? 0 : Double(packets) * Self.batchSpan.seconds / max(elapsed.seconds, 1e-9)
        let allKernelTimed = packetsWithoutKernelTime == 0
        windowStart = now
        packets = 0
        packetsWithoutKernelTime = 0
        let next: Plan
        if allKernelTimed, perSpan >= 1 {
            next = Plan(threshold: Self.fullMessageThreshold, sleepsUntilHandOver: true)
        } else {
            let threshold = perSpan >= Double(Self.maximumThreshold) ? Self.maximumThreshold : max(Int(perSpan.rounded(.down)), 1)
            next = Plan(threshold: threshold, sleepsUntilHandOver: false)
        }
        guard next != plan else { return nil }
        plan = next
        return next
    }

    private static func sum(_ total: Int, _ count: Int) -> Int {
        let added = max(count, 0)
        return total > Int.max - added ? Int.max : total + added
    }
}
