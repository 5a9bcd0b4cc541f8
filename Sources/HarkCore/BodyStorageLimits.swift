/// How a `BodyStorage` keeps bytes: in memory up to a threshold of its own, then on the memory
/// allowance of a `BodyStoragePool`, then in a temporary file of that pool.
public struct BodyStorageLimits: Hashable, Sendable {
    /// The default memory threshold: 256 KiB.
    public static let defaultMemoryThreshold = 256 << 10

    /// Bytes of one body kept in memory without drawing on the pool's allowance. A body that has moved
    /// to a file keeps at most this many not-yet-written bytes in memory. Default 256 KiB; 0 makes every
    /// body draw on the allowance (or go to disk) from its first byte.
    public var memoryThreshold: Int
    /// The memory allowance and disk budget shared by large bodies, and where their files go. Default
    /// `BodyStoragePool.shared`.
    public var pool: BodyStoragePool

    /// Limits with the documented defaults, or the values given.
    public init(memoryThreshold: Int = defaultMemoryThreshold, pool: BodyStoragePool = .shared) {
        self.memoryThreshold = memoryThreshold
        self.pool = pool
    }

    /// These limits with a negative threshold raised to 0.
    public var clamped: BodyStorageLimits {
        BodyStorageLimits(memoryThreshold: max(0, memoryThreshold), pool: pool)
    }
}
