import Synchronization

/// Bytes that several holders may keep together, up to a limit: the one mechanism behind every
/// memory and disk bound hark shares between connections or threads.
///
/// What a budget bounds is what its users charge it: requests waiting for their responses, HAR entries
/// serialized ahead of the merge, QUIC and HTTP/3 data held while it waits, a body pool's memory, disk
/// and decoded bytes. Three ways to hold bytes, for three kinds of holder:
/// - **A claim** (`claim(_:)`, all or nothing, or `charge(_:)`, whether they fit or not) returns a
///   `Claim` that gives its bytes back when the last reference to it goes: for values that are copied
///   and dropped in many places (an HTTP/2 stream's state, a serialized entry).
/// - **A reservation** (`reserve(_:)`, all or nothing, or `reserve(upTo:)`, what is left) returns
///   nothing to hold: the caller gives the bytes back with `release(_:)`. For holders that already are
///   the token (an HTTP/1 exchange is a class; a memory lease grows), so that a hot path allocates
///   no second object.
/// - **An adjustment** (`adjust(by:)`) adds or removes bytes unconditionally, for a holder that
///   keeps its own count and checks `fits(_:)` before it grows.
///
/// A user that gives something up because the budget is used up says so with `noteGivenUp()`, so that
/// the run can report how often that happened. `share(of:)` gives each of a session's analysing
/// threads an equal budget of its own, so that what is given up does not depend on timing.
///
/// Thread-safe and lock-free: both numbers are atomic counters.
///
/// ### Example
/// ```swift
/// let budget = ByteBudget(limit: 32 << 20)
/// if !budget.fits(cost) { /* give up the oldest holder; budget.noteGivenUp() */ }
/// stream.charge = budget.charge(cost)          // given back when the stream state goes
/// if let claim = budget.claim(entry.count) { … } // nil: past the limit
/// ```
public final class ByteBudget: Sendable {
    /// Most bytes the holders may keep together.
    public let limit: Int
    private let used = Atomic<Int>(0)
    private let givenUp = Atomic<Int>(0)

    /// A budget of `limit` bytes (negative values become 0).
    public init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Bytes held now.
    public var usedBytes: Int { used.load(ordering: .relaxed) }

    /// How many times a user gave something up because the budget was used up.
    public var givenUpCount: Int { givenUp.load(ordering: .relaxed) }

    /// Whether `count` more bytes fit now.
    public func fits(_ count: Int) -> Bool {
        count <= limit &- used.load(ordering: .relaxed)
    }

    /// Claims `count` bytes, all or nothing: a claim that gives them back when it goes, or nil when
    /// they would pass the limit.
    public func claim(_ count: Int) -> Claim? {
        reserve(count) ? Claim(count, of: self) : nil
    }

    /// Charges `count` bytes whether they fit or not, for a holder that made room first (or cannot be
    /// refused): a claim that gives them back when it goes.
    public func charge(_ count: Int) -> Claim {
        used.add(count, ordering: .relaxed)
        return Claim(count, of: self)
    }

    /// Reserves `count` bytes, all or nothing; the caller gives them back with `release(_:)`.
    ///
    /// - Returns: whether they were reserved.
    public func reserve(_ count: Int) -> Bool {
        reserve(count, partially: false) == count
    }

    /// Reserves up to `count` bytes: all of them, or what is left when that is less. The caller gives
    /// them back with `release(_:)` (or never, for a budget that only counts down).
    ///
    /// - Returns: the bytes reserved.
    public func reserve(upTo count: Int) -> Int {
        reserve(count, partially: true)
    }

    /// Gives back `count` reserved bytes.
    public func release(_ count: Int) {
        used.subtract(count, ordering: .relaxed)
    }

    /// Adds `delta` bytes (or, negative, removes them) whether they fit or not.
    public func adjust(by delta: Int) {
        used.add(delta, ordering: .relaxed)
    }

    /// Counts one thing given up because the budget was used up.
    public func noteGivenUp() {
        givenUp.add(1, ordering: .relaxed)
    }

    /// A budget of an equal share of this one's limit, for one of `shareCount` analysing threads.
    public func share(of shareCount: Int) -> ByteBudget {
        ByteBudget(limit: limit / max(1, shareCount))
    }

    private func reserve(_ count: Int, partially: Bool) -> Int {
        var current = used.load(ordering: .relaxed)
        while true {
            let granted = min(count, max(0, limit &- current))
            guard granted > 0 || count == 0, partially || granted == count else { return 0 }
            let (exchanged, original) = used.compareExchange(
                expected: current, desired: current &+ granted, ordering: .relaxed
            )
            if exchanged { return granted }
            current = original
        }
    }

    /// Bytes held from a budget, given back when the last reference to the claim goes.
    public final class Claim: Sendable {
        /// The budget the bytes are held from.
        public let budget: ByteBudget
        /// The bytes held.
        public let count: Int

        fileprivate init(_ count: Int, of budget: ByteBudget) {
            self.budget = budget
            self.count = count
        }

        deinit {
            budget.release(count)
        }
    }
}

extension ByteBudget: Hashable {
    /// Budgets are equal when they are the same object: two budgets never share their bytes.
    public static func == (lhs: ByteBudget, rhs: ByteBudget) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }
}
