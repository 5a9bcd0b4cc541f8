/// The bytes all QUIC connections of a session may hold together while they wait: stream and CRYPTO
/// data behind holes, and HTTP/3 frames held behind field sections that wait for QPACK inserts. Shared
/// by reference between the connections' analyzers (on the session's one thread), as TCP reassembly's
/// `maxBufferedBytesTotal` is between TCP connections.
///
/// It never makes memory grow past `limit`: the stream (or CRYPTO level, or blocked request stream) whose
/// new bytes would go over it stops waiting instead, its holes given up as gaps, and that is counted as
/// an eviction and reported on its connection.
public final class QUICBufferBudget {
    /// The bytes that may be held at once.
    public let limit: Int
    /// The bytes held now.
    public private(set) var used = 0
    /// How many times something stopped waiting because the budget was used up.
    public private(set) var evictions = 0

    public init(limit: Int) {
        self.limit = limit
    }

    /// Whether `count` more bytes fit.
    public func fits(_ count: Int) -> Bool { count <= limit &- used }

    /// Notes bytes taken (`delta` > 0) or given back (`delta` < 0).
    public func add(_ delta: Int) { used &+= delta }

    /// Counts one eviction.
    public func noteEviction() { evictions &+= 1 }
}
