/// How many more bytes a connection's open requests may hold in memory (`PARAMS`, unfinished response
/// heads, stderr text), and which bound sets it: the connection's own (`FastCGILimits.maxHeldBytes`)
/// or the session's budget for requests waiting for responses (`FastCGILimits.waitingRequests`),
/// whichever leaves less.
struct HeldRoom {
    /// The bound that leaves the room.
    enum Bound: Equatable {
        /// The connection's open requests may hold this many bytes.
        case connection(limit: Int)
        /// The session's waiting requests, on every connection, may hold this many bytes.
        case session(limit: Int)

        /// What was full, as the exchanges' problems say it: "the connection's open requests already
        /// held 8388608 bytes".
        var alreadyHeld: String {
            switch self {
            case .connection(let limit): "the connection's open requests already held \(limit) bytes"
            case .session(let limit): "the session's requests waiting for responses already held \(limit) bytes (memory budget)"
            }
        }
    }

    /// Bytes that may still be held (never negative).
    var bytes: Int
    var bound: Bound
}
