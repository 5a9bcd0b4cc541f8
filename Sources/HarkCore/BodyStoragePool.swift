import Glibc

/// What large bodies share: a memory allowance for bodies past their own threshold, then a directory
/// for spilled files with a disk budget.
///
/// A body holds up to `BodyStorageLimits.memoryThreshold` bytes in memory on its own. Past that it
/// draws on the pool's `maxMemoryBytes`, so that a few large bodies at a time stay in memory; when the
/// allowance is used up, a body moves to a file, so memory is bounded by the bodies in progress times
/// their threshold, plus the allowance, whatever the body sizes. Files are made in `directory` without
/// a name (`O_TMPFILE`, or unlinked at once), so nothing is left behind even when the process is
/// killed; each is closed, and its bytes given back to the disk budget, when the last `BodyStorage`
/// using it goes. Appending beyond `maxDiskBytes` truncates that body (`BodyStorageError.Kind
/// .diskBudgetExhausted`). Thread-safe: each budget is a `ByteBudget`.
///
/// ### Example
/// ```swift
/// let pool = BodyStoragePool(directory: "/var/tmp", maxMemoryBytes: 16 << 20, maxDiskBytes: 1 << 30)
/// var body = BodyStorage()
/// body.append(bytes, limits: BodyStorageLimits(pool: pool))
/// ```
public final class BodyStoragePool: Sendable {
    /// The default memory allowance: 16 MiB.
    public static let defaultMaxMemoryBytes = 16 << 20
    /// The default disk budget: 4 GiB.
    public static let defaultMaxDiskBytes = 4 << 30
    /// The default budget of content-decoded bytes: 4 GiB.
    public static let defaultMaxDecodedBytes = 4 << 30
    /// `$TMPDIR` (or `/tmp`) with the default budgets: what every limits struct uses unless told otherwise.
    public static let shared = BodyStoragePool()

    /// Where spilled bodies' files are made.
    public let directory: String
    /// Most bytes large bodies may hold in memory together beyond their own thresholds.
    public let maxMemoryBytes: Int
    /// Most bytes all spilled bodies of this pool may hold on disk at once.
    public let maxDiskBytes: Int
    /// Most content-decoded bytes all bodies together may produce, kept or only counted: a capture
    /// full of decompression bombs stops costing time here (`ContentDecoder`'s run budget).
    public let maxDecodedBytes: Int
    private let memory: ByteBudget
    private let disk: ByteBudget
    private let decoded: ByteBudget

    /// - Parameters:
    ///   - directory: where to make the files; nil for `$TMPDIR`, or `/tmp` when that is unset.
    ///   - maxMemoryBytes: the memory allowance shared by bodies past their threshold; 0 sends every
    ///     such body to disk (negative values become 0).
    ///   - maxDiskBytes: the disk budget shared by every body spilled here (negative values become 0).
    ///   - maxDecodedBytes: the content-decoded bytes every body together may produce (negative values
    ///     become 0).
    public init(
        directory: String? = nil,
        maxMemoryBytes: Int = defaultMaxMemoryBytes,
        maxDiskBytes: Int = defaultMaxDiskBytes,
        maxDecodedBytes: Int = defaultMaxDecodedBytes
    ) {
        let environment = getenv("TMPDIR").map { String(cString: $0) }
        self.directory = directory ?? environment.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        memory = ByteBudget(limit: maxMemoryBytes)
        disk = ByteBudget(limit: maxDiskBytes)
        decoded = ByteBudget(limit: maxDecodedBytes)
        self.maxMemoryBytes = memory.limit
        self.maxDiskBytes = disk.limit
        self.maxDecodedBytes = decoded.limit
    }

    /// Claims up to `count` content-decoded bytes of the run's budget (never given back).
    ///
    /// - Returns: the bytes claimed: `count`, or what is left when that is less.
    public func reserveDecoded(upTo count: Int) -> Int {
        decoded.reserve(upTo: count)
    }

    /// Bytes of the memory allowance in use now.
    public var usedMemoryBytes: Int { memory.usedBytes }

    /// Bytes the pool's files hold now.
    public var usedDiskBytes: Int { disk.usedBytes }

    /// Claims `count` bytes of the memory allowance, all or nothing.
    func reserveMemory(_ count: Int) -> Bool {
        memory.reserve(count)
    }

    /// Gives `count` bytes back to the memory allowance.
    func releaseMemory(_ count: Int) {
        memory.release(count)
    }

    /// Claims up to `count` bytes of the disk budget: all of them, or what is left when that is less.
    ///
    /// - Returns: the bytes claimed.
    func reserveDisk(upTo count: Int) -> Int {
        disk.reserve(upTo: count)
    }

    /// Gives `count` bytes back to the disk budget.
    func releaseDisk(_ count: Int) {
        disk.release(count)
    }
}

extension BodyStoragePool: Hashable {
    /// Pools are equal when they are the same object: two pools never share a budget.
    public static func == (lhs: BodyStoragePool, rhs: BodyStoragePool) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }
}
