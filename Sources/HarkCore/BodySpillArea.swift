import Glibc
import Synchronization

/// A directory for spilled body files and the disk budget all of them share.
///
/// Files are made in `directory` and unlinked at once, so nothing is left behind even when the process
/// is killed; each is closed, and its bytes given back to the budget, when the last `BodyStorage`
/// using it goes. Appending beyond `maxDiskBytes` fails with `BodyStorageError.Kind.diskBudgetExhausted`,
/// which truncates that body. Thread-safe: the budget is an atomic counter.
///
/// ### Example
/// ```swift
/// let area = BodySpillArea(directory: "/var/tmp", maxDiskBytes: 1 << 30)
/// var body = BodyStorage()
/// body.append(bytes, limits: BodyStorageLimits(spillArea: area))
/// ```
public final class BodySpillArea: Sendable {
    /// The default disk budget: 4 GiB.
    public static let defaultMaxDiskBytes = 4 << 30
    /// `$TMPDIR` (or `/tmp`) with the default budget: what every limits struct uses unless told otherwise.
    public static let shared = BodySpillArea()

    /// Where the files are made.
    public let directory: String
    /// Most bytes all spilled bodies of this area may hold on disk at once.
    public let maxDiskBytes: Int
    private let used = Atomic<Int>(0)

    /// - Parameters:
    ///   - directory: where to make the files; nil for `$TMPDIR`, or `/tmp` when that is unset.
    ///   - maxDiskBytes: the disk budget shared by every body spilled here (negative values become 0).
    public init(directory: String? = nil, maxDiskBytes: Int = defaultMaxDiskBytes) {
        let environment = getenv("TMPDIR").map { String(cString: $0) }
        self.directory = directory ?? environment.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        self.maxDiskBytes = max(0, maxDiskBytes)
    }

    /// Bytes the area's files hold now.
    public var usedDiskBytes: Int { used.load(ordering: .relaxed) }

    /// Claims up to `count` bytes of the budget: all of them, or what is left when that is less.
    ///
    /// - Returns: the bytes claimed.
    func reserve(upTo count: Int) -> Int {
        var current = used.load(ordering: .relaxed)
        while true {
            let granted = min(count, max(0, maxDiskBytes &- current))
            guard granted > 0 else { return 0 }
            let (exchanged, original) = used.compareExchange(
                expected: current,
                desired: current &+ granted,
                ordering: .relaxed
            )
            if exchanged { return granted }
            current = original
        }
    }

    /// Gives `count` bytes back to the budget.
    func release(_ count: Int) {
        used.subtract(count, ordering: .relaxed)
    }
}

extension BodySpillArea: Hashable {
    /// Areas are equal when they are the same object: two areas never share a budget.
    public static func == (lhs: BodySpillArea, rhs: BodySpillArea) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }
}
