/// A connection's streams charged to the session's waiting request budget (`HTTP2Limits
/// .waitingRequests`), oldest first, to find the one to give up when the budget is used up without
/// searching every open stream. Streams answered or emitted since are passed over when met, and pruned
/// once they outnumber the open streams, so the list stays about as long as the streams open.
struct WaitingStreams {
    private var ids: [UInt32] = []
    /// Where the streams not yet passed over begin in `ids`.
    private var start = 0

    /// Notes stream `id`, just charged; `openCount` streams are open and `isWaiting` says which still
    /// wait.
    mutating func append(_ id: UInt32, openCount: Int, isWaiting: (UInt32) -> Bool) {
        if ids.count &- start > 2 &* openCount &+ 64 {
            ids = ids[start...].filter(isWaiting)
            start = 0
        }
        ids.append(id)
    }

    /// The oldest stream noted that still waits (`isWaiting`), taken off the list; nil when none does.
    mutating func takeOldest(isWaiting: (UInt32) -> Bool) -> UInt32? {
        defer {
            if start > 64, start > ids.count / 2 {
                ids.removeFirst(start)
                start = 0
            }
        }
        while start < ids.count {
            let id = ids[start]
            start &+= 1
            if isWaiting(id) { return id }
        }
        return nil
    }
}
