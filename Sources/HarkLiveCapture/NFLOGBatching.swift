public import HarkCore

/// How many packets the kernel gathers into one NFLOG netlink message, chosen from the rate at which
/// they arrive.
///
/// Each message costs a wake and a `recv`; one per packet made reading `--pid` traffic cost 1.4× the
/// CPU per request of reading the same traffic from a file. Gathering many packets per message has a
/// price: the kernel stamps only input-hook packets, output-hook packets take the time they are read
/// (bounded by the next kernel time, see `NFLOGClock`), so a packet that waits in a batch is placed
/// later than it happened. The threshold therefore follows the rate: as many whole packets as arrive
/// in `batchSpan` (one when traffic is light, as before), so a packet waits at most about `batchSpan`,
/// until the kernel's next timer tick when the traffic stops (4 ms at HZ 250). Any count from 1 to
/// `maximumThreshold`, not only powers of two: rounding down to one halved the packets per message
/// just above each power (13 packets a millisecond gave messages of 8), a wake for every 8 packets
/// instead of every 13 at the same bound.
public struct NFLOGBatching: Sendable {
    /// About how long the first packet of a batch waits for the batch to fill.
    public static let batchSpan = TimeSpan.milliseconds(1)
    /// How often the rate is measured and the threshold reconsidered.
    public static let window = TimeSpan.milliseconds(50)
    /// The most packets per message (their buffer is `bufferSize`).
    public static let maximumThreshold = 64
    /// The kernel's buffer per message: 64 packets of a few hundred bytes fit, and with the
    /// kernel's bookkeeping it stays within an order-3 (32 KiB) allocation.
    public static let bufferSize: UInt32 = 30 << 10

    /// The packets per message now asked of the kernel.
    public private(set) var threshold = 1
    private var windowStart: Timestamp?
    private var lastRead: Timestamp?
    private var packets = 0

    public init() {}

    /// Counts `count` packets read at `now` (a read that found nothing counts too); at the end of each
    /// window, returns the threshold to ask for when it changed (the whole packets that arrived per
    /// `batchSpan`, 1…`maximumThreshold`), else nil. A read that found nothing after a whole window
    /// of waiting means the traffic stopped: back to one packet per message at once.
    public mutating func record(packets count: Int, at now: Timestamp) -> Int? {
        let previousRead = lastRead
        lastRead = now
        guard let start = windowStart, let previousRead else {
            windowStart = now
            packets = max(count, 0)
            return nil
        }
        packets = packets > Int.max - max(count, 0) ? Int.max : packets + max(count, 0)
        let elapsed = now.since(start)
        guard elapsed >= Self.window else { return nil }
        let stopped = count == 0 && now.since(previousRead) >= Self.window
        let perSpan = stopped ? 0 : Double(packets) * Self.batchSpan.seconds / max(elapsed.seconds, 1e-9)
        windowStart = now
        packets = 0
        let target = perSpan >= Double(Self.maximumThreshold) ? Self.maximumThreshold : max(Int(perSpan.rounded(.down)), 1)
        guard target != threshold else { return nil }
        threshold = target
        return target
    }
}
