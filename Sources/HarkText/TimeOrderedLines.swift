import HarkCore

/// Trace lines held back and handed out in order of their time, as a `TraceLineOrder` says. A pure
/// state machine: the printer adds groups of lines and writes what comes back.
///
/// Lines arrive nearly in order (an exchange's line is late by its own duration), so each is inserted
/// by binary search near the end of a sorted array that is consumed from the front.
struct TimeOrderedLines {
    /// Lines that stay together (an exchange's line and the header and body lines under it).
    struct Group: Equatable {
        /// The time the lines show, their place in the order.
        var time: Timestamp
        /// Arrival number: groups of equal time keep their arrival order.
        var sequence: Int
        var lines: [String]
        /// UTF-8 bytes of the lines, for the bound on what is held.
        var bytes: Int
    }

    let order: TraceLineOrder
    /// Held groups in order of (time, sequence), from `start` on.
    private var held: [Group] = []
    private var start = 0
    private var heldBytes = 0
    private var nextSequence = 0
    /// Set by `finish()`: what comes after the end (late diagnostics) is not held.
    private var ended = false
    /// The latest time seen (of a line, or told by `advance`).
    private(set) var latestTime: Timestamp?

    init(order: TraceLineOrder) {
        self.order = order
    }

    /// Takes `lines` showing `time`; returns the groups to write now, in order.
    mutating func add(time: Timestamp, lines: [String]) -> [Group] {
        let bytes = lines.reduce(0) { $0 &+ $1.utf8.count &+ 1 }
        let group = Group(time: time, sequence: nextSequence, lines: lines, bytes: bytes)
        nextSequence &+= 1
        if latestTime.map({ time > $0 }) ?? true { latestTime = time }
        guard order != .asCompleted, !ended else { return [group] }
        insert(group)
        return release()
    }

    /// Capture time has reached `now`; returns the groups whose wait is over.
    mutating func advance(to now: Timestamp) -> [Group] {
        if latestTime.map({ now > $0 }) ?? true { latestTime = now }
        return release()
    }

    /// Returns every held group, in order (the capture ended); later groups pass at once.
    mutating func finish() -> [Group] {
        ended = true
        let rest = Array(held[start...])
        held.removeAll()
        start = 0
        heldBytes = 0
        return rest
    }

    private mutating func insert(_ group: Group) {
        var low = start
        var high = held.count
        while low < high {
            let middle = low + (high - low) / 2
            if held[middle].time <= group.time { low = middle + 1 } else { high = middle }
        }
        held.insert(group, at: low)
        heldBytes &+= group.bytes
    }

    private mutating func release() -> [Group] {
        var released: [Group] = []
        let limit: Int
        var due: Timestamp?
        switch order {
        case .asCompleted: return []
        case .sorted(let maximumHeldBytes): limit = maximumHeldBytes
        case .window(let window, let maximumHeldBytes):
            limit = maximumHeldBytes
            due = latestTime.map { $0.advanced(by: TimeSpan(nanoseconds: 0 &- window.nanoseconds)) }
        }
        while start < held.count, heldBytes > limit || due.map({ held[start].time <= $0 }) ?? false {
            released.append(held[start])
            heldBytes &-= held[start].bytes
            start += 1
        }
        if start > 1024, start * 2 > held.count {
            held.removeFirst(start)
            start = 0
        }
        return released
    }
}
