import Synchronization

/// The bytes of body that entries serialized ahead of time (`HAREntryPreparer`) may hold in memory
/// together, from when a worker serializes them to when the spool has written them: large entries are
/// prepared while it has room and left to the spool's thread (which streams their bodies from storage)
/// when it has none. Which way an entry goes depends on timing; its bytes do not.
///
/// Thread-safe: an atomic counter, shared by every worker's preparer.
final class PreparedEntryBudget: Sendable {
    /// Most body bytes held at once.
    let limit: Int
    private let used = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Bytes held now.
    var usedBytes: Int { used.load(ordering: .relaxed) }

    /// Claims `count` bytes, all or nothing: a claim that gives them back when it goes, or nil when the
    /// budget has no room.
    func claim(_ count: Int) -> Claim? {
        var current = used.load(ordering: .relaxed)
        while true {
            guard count <= limit &- current else { return nil }
            let (exchanged, original) = used.compareExchange(
                expected: current, desired: current &+ count, ordering: .relaxed
            )
            if exchanged { return Claim(budget: self, count: count) }
            current = original
        }
    }

    /// Bytes claimed from a budget, given back when the claim goes (with the entry holding it).
    final class Claim: Sendable {
        private let budget: PreparedEntryBudget
        private let count: Int

        fileprivate init(budget: PreparedEntryBudget, count: Int) {
            self.budget = budget
            self.count = count
        }

        deinit {
            budget.used.subtract(count, ordering: .relaxed)
        }
    }
}
