import Synchronization

/// The bytes of the entries a `HAREntryPreparer` serialized that are still held: waiting, with their
/// exchanges, for the session's thread to merge them, then for the spool to write them. Shared by every
/// analysing thread, so that what waits is bounded: without it a run of small compressed bodies that
/// each decode to a MiB held hundreds of MB of entries between the workers and the merge. Past `limit`
/// an entry is left to the session's thread, which writes the same bytes from the exchange (streaming
/// large bodies from their storage): which entries are prepared then depends on timing, the document
/// does not.
///
/// Thread-safe: an atomic counter, shared by every worker's copy of the preparer.
final class HARPreparedBytes: Sendable {
    /// Most bytes held at once.
    let limit: Int
    private let held = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Bytes held now.
    var heldBytes: Int { held.load(ordering: .relaxed) }

    /// Claims `count` bytes, all or nothing: a claim that gives them back when it goes, or nil when they
    /// would pass the limit.
    func claim(_ count: Int) -> Claim? {
        var current = held.load(ordering: .relaxed)
        while true {
            guard count <= limit &- current else { return nil }
            let (exchanged, original) = held.compareExchange(
                expected: current, desired: current &+ count, ordering: .relaxed
            )
            if exchanged { return Claim(budget: self, count: count) }
            current = original
        }
    }

    /// Bytes claimed from the budget, given back when the claim goes (with the entry holding it).
    final class Claim: Sendable {
        private let budget: HARPreparedBytes
        private let count: Int

        fileprivate init(budget: HARPreparedBytes, count: Int) {
            self.budget = budget
            self.count = count
        }

        deinit {
            budget.held.subtract(count, ordering: .relaxed)
        }
    }
}
