/// How a `BodyStorage` keeps bytes: in memory up to a threshold, then in a temporary file of a
/// `BodySpillArea`.
public struct BodyStorageLimits: Hashable, Sendable {
    /// The default memory threshold: 256 KiB.
    public static let defaultMemoryThreshold = 256 << 10

    /// Most bytes of one body kept in memory. A body that grows past it moves to a temporary file; it
    /// then keeps at most this many not-yet-written bytes in memory. Default 256 KiB; 0 writes every
    /// byte straight to disk.
    public var memoryThreshold: Int
    /// Where spilled bodies go, and the disk budget they share. Default `BodySpillArea.shared`.
    public var spillArea: BodySpillArea

    /// Limits with the documented defaults, or the values given.
    public init(memoryThreshold: Int = defaultMemoryThreshold, spillArea: BodySpillArea = .shared) {
        self.memoryThreshold = memoryThreshold
        self.spillArea = spillArea
    }

    /// These limits with a negative threshold raised to 0.
    public var clamped: BodyStorageLimits {
        BodyStorageLimits(memoryThreshold: max(0, memoryThreshold), spillArea: spillArea)
    }
}
