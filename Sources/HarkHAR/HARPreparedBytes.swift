import Synchronization

/// The bytes of the entries a `HAREntryPreparer` serialized that are still held: waiting, with their
/// exchanges, for the session's thread to merge them, then for the spool to copy them. Shared by every
/// analysing thread, so that what waits is bounded: without it a run of small compressed bodies that
/// each decode to a MiB held hundreds of MB of entries between the workers and the merge. Past `limit`
/// an entry is left to the session's thread, which writes the same bytes from the exchange: which
/// entries are prepared then depends on timing, the document does not.
final class HARPreparedBytes: Sendable {
    /// Most bytes held at once.
    let limit: Int
    private let held = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Bytes held now.
    var heldBytes: Int { held.load(ordering: .relaxed) }

    /// A claim on `count` bytes, given back when the claim goes; nil when they would pass the limit.
    func claim(_ count: Int) -> Claim? {
        guard held.add(count, ordering: .relaxed).newValue <= limit else {
            held.subtract(count, ordering: .relaxed)
            return nil
        }
        return Claim(count: count, budget: self)
    }

    /// Bytes of the budget an entry holds, for as long as the entry (the claim) lives.
    final class Claim: Sendable {
        let count: Int
        let budget: HARPreparedBytes

        init(count: Int, budget: HARPreparedBytes) {
            self.count = count
            self.budget = budget
        }

        deinit {
            budget.held.subtract(count, ordering: .relaxed)
        }
    }
}
