import HarkCore
import HarkModel

/// Keeps repetitive TCP events (retransmissions, duplicate ACKs, gaps…) from flooding a trace: the
/// first event of a kind, per connection and direction, is shown; the ones after it are counted into
/// a burst that is summarised in one line when the burst is flushed.
///
/// A burst is flushed when something else is printed for its connection, when the connection closes,
/// or once capture time has moved ``window`` past the burst's first event. A pure state machine: the
/// printer asks what to do and prints.
struct TCPEventCoalescer {
    /// Which events coalesce together: one kind (ignoring its size) in one direction of one connection.
    struct Key: Hashable {
        var connectionID: Int
        var direction: Direction
        var kind: TCPEventText.Name
    }

    /// Events absorbed after the first of a burst.
    struct Burst: Equatable {
        var key: Key
        /// The shown event's time: the burst started then.
        var started: Timestamp
        /// Time of the last absorbed event.
        var last: Timestamp
        /// Events absorbed.
        var count: Int
        /// Their payload bytes, where the kind has a size.
        var bytes: Int64
    }

    /// How long a burst collects before it is summarised (one second of capture time).
    static let window = TimeSpan.seconds(1)

    private var open: [Key: Burst] = [:]
    /// The earliest `started` among open bursts, so that expiry checks cost nothing most of the time.
    private var earliestStart: Timestamp?

    /// Whether to show `event` now (true) or count it into its open burst (false).
    mutating func offer(_ event: TCPEvent) -> Bool {
        guard let name = TCPEventText.coalescingName(event.kind) else { return true }
        let key = Key(connectionID: event.connectionID, direction: event.direction, kind: name)
        if var burst = open[key] {
            burst.count &+= 1
            burst.bytes &+= TCPEventText.bytes(event.kind)
            burst.last = event.timestamp
            open[key] = burst
            return false
        }
        open[key] = Burst(key: key, started: event.timestamp, last: event.timestamp, count: 0, bytes: 0)
        if earliestStart.map({ event.timestamp < $0 }) ?? true { earliestStart = event.timestamp }
        return true
    }

    /// Closes the connection's bursts, returning those that absorbed events, in a stable order.
    mutating func flush(connection: Int) -> [Burst] {
        take { $0.connectionID == connection }
    }

    /// Closes the bursts that started more than ``window`` before `now`.
    mutating func flushExpired(now: Timestamp) -> [Burst] {
        guard let earliestStart, now.since(earliestStart) > Self.window else { return [] }
        let expired = Set(open.filter { now.since($0.value.started) > Self.window }.keys)
        return take { expired.contains($0) }
    }

    private mutating func take(where matches: (Key) -> Bool) -> [Burst] {
        let keys = open.keys.filter(matches)
        guard !keys.isEmpty else { return [] }
        var flushed: [Burst] = []
        for key in keys {
            if let burst = open.removeValue(forKey: key), burst.count > 0 {
                flushed.append(burst)
            }
        }
        earliestStart = open.values.map(\.started).min()
        return flushed.sorted { ($0.started, $0.key.connectionID, $0.key.kind.rawValue) < ($1.started, $1.key.connectionID, $1.key.kind.rawValue) }
    }
}
