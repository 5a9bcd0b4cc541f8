import Synchronization

/// The memory a session's requests may hold together while they wait for their responses.
///
/// Each analyzer bounds the requests one connection keeps waiting (HTTP/1's 64 pipelined requests,
/// HTTP/2's 1,024 open streams, FastCGI's 256 open requests), and reassembly bounds the connections,
/// but not their product: 20,000 connections each pipelining 64 requests that are never answered could
/// hold 2.2 GB for a 50 MB capture. A waiting request is charged an estimate of what it holds (a fixed
/// cost for the analyzer's state, plus its head where that is known) when it is queued and gives it back
/// when it goes; a connection whose next request does not fit gives up its own oldest waiting request
/// instead, as an exchange without a response, and that is counted in `givenUpCount`.
///
/// A session shares one budget between its connections, and gives each analysing thread an equal
/// share of its own (as it does a `BodyStoragePool`'s budgets), so that which requests are given up is
/// the same from run to run for a given thread count. Thread-safe: both numbers are atomic counters.
///
/// ### Example
/// ```swift
/// let budget = WaitingRequestBudget(maxBytes: 32 << 20)
/// if !budget.fits(cost) { /* give up the connection's oldest waiting request */ }
/// budget.take(cost)  // … and budget.giveBack(cost) when the request goes
/// ```
public final class WaitingRequestBudget: Sendable {
    /// The default budget: 32 MiB, about 29,000 small waiting requests.
    public static let defaultMaxBytes = 32 << 20

    /// Most bytes waiting requests may be charged together.
    public let maxBytes: Int
    private let used = Atomic<Int>(0)
    private let givenUp = Atomic<Int>(0)

    /// A budget of `maxBytes` (negative values become 0).
    public init(maxBytes: Int = defaultMaxBytes) {
        self.maxBytes = max(0, maxBytes)
    }

    /// Bytes charged to the requests waiting now.
    public var usedBytes: Int { used.load(ordering: .relaxed) }

    /// How many waiting requests were given up because the budget was used up.
    public var givenUpCount: Int { givenUp.load(ordering: .relaxed) }

    /// Whether a request charged `count` more bytes fits.
    public func fits(_ count: Int) -> Bool {
        count <= maxBytes &- used.load(ordering: .relaxed)
    }

    /// Charges `count` bytes for a request now waiting (whether they fit or not).
    public func take(_ count: Int) {
        used.add(count, ordering: .relaxed)
    }

    /// Gives back the `count` bytes a request was charged.
    public func giveBack(_ count: Int) {
        used.subtract(count, ordering: .relaxed)
    }

    /// Counts a waiting request given up because the budget was used up.
    public func noteGivenUp() {
        givenUp.add(1, ordering: .relaxed)
    }

    /// What one waiting request holds of a budget, given back when the last reference to it goes: for
    /// a request kept in a value (an HTTP/2 stream), whose copies share it.
    public final class Charge: Sendable {
        /// The budget charged.
        public let budget: WaitingRequestBudget
        private let bytes: Int

        /// Charges `bytes` to `budget` (whether they fit or not).
        public init(_ bytes: Int, to budget: WaitingRequestBudget) {
            self.budget = budget
            self.bytes = bytes
            budget.take(bytes)
        }

        deinit {
            budget.giveBack(bytes)
        }
    }

    /// A budget of an equal share of this one's bytes, for one of `shareCount` analysing threads.
    public func share(of shareCount: Int) -> WaitingRequestBudget {
        WaitingRequestBudget(maxBytes: maxBytes / max(1, shareCount))
    }
}

extension WaitingRequestBudget: Hashable {
    /// Budgets are equal when they are the same object: two budgets never share their bytes.
    public static func == (lhs: WaitingRequestBudget, rhs: WaitingRequestBudget) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }
}
