import Synchronization

/// The part of a pool's memory allowance one large in-memory body holds (shared by the body's copies),
/// given back when the last copy goes or the body moves to disk; a content decoder holding an encoded
/// body whole takes one too (`BodyDecoder`).
public final class MemoryLease: Sendable {
    /// The pool whose allowance this draws on.
    public let pool: BodyStoragePool
    private let held = Atomic<Int>(0)

    /// A lease holding nothing yet.
    public init(pool: BodyStoragePool) {
        self.pool = pool
    }

    deinit {
        pool.releaseMemory(held.load(ordering: .relaxed))
    }

    /// Holds at least `total` bytes, claiming what is missing from the pool; false when the allowance
    /// has no room for it.
    public func cover(_ total: Int) -> Bool {
        let missing = total &- held.load(ordering: .relaxed)
        guard missing > 0 else { return true }
        guard pool.reserveMemory(missing) else { return false }
        held.add(missing, ordering: .relaxed)
        return true
    }
}
