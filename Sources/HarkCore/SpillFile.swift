import Glibc
import Synchronization

/// An unlinked temporary file holding the spilled part of one or more `BodyStorage` values (a value
/// and its copies share it). Closed, and its bytes given back to the pool's disk budget, on deinit.
///
/// The file only grows. A value may append only when its bytes end exactly where the file ends, which
/// an atomic compare-and-swap of `end` decides; a copy that kept fewer bytes, or a prefix, sees
/// `.diverged` and moves to a file of its own (`BodyStorage` does that), so no value ever overwrites
/// bytes another one reads.
final class SpillFile: Sendable {
    /// The result of `append(_:at:)`.
    enum AppendResult {
        /// The bytes are in the file.
        case written
        /// Another value appended first: the file no longer ends at the given offset.
        case diverged
        /// The disk budget took only the first `count` bytes, which are in the file.
        case budgetExhausted(written: Int)
        /// The disk refused the bytes.
        case failed(BodyStorageError.Kind)
    }

    let descriptor: Int32
    let pool: BodyStoragePool
    /// Bytes claimed so far (written, or reserved by a write that failed).
    private let end = Atomic<Int>(0)

    private init(descriptor: Int32, pool: BodyStoragePool) {
        self.descriptor = descriptor
        self.pool = pool
    }

    deinit {
        close(descriptor)
        pool.releaseDisk(end.load(ordering: .relaxed))
    }

    /// A new empty file in `pool.directory` with no name: `O_TMPFILE` where the file system has it (no
    /// directory entry is ever made), else `mkstemp` and an immediate `unlink`.
    ///
    /// - Throws: `.fileNotCreated`, reported with `storedBytes`, the size of the body that needed it.
    static func make(in pool: BodyStoragePool, storedBytes: Int) throws(BodyStorageError) -> SpillFile {
        // Linux's O_TMPFILE is __O_TMPFILE (octal 20000000 on every architecture) with O_DIRECTORY.
        let descriptor = open(pool.directory, 0o2000_0000 | O_DIRECTORY | O_RDWR | O_CLOEXEC, 0o600)
        if descriptor >= 0 { return SpillFile(descriptor: descriptor, pool: pool) }
        var template = Array("\(pool.directory)/hark-body-XXXXXX".utf8CString)
        let named = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard named >= 0 else {
            throw BodyStorageError(.fileNotCreated(directory: pool.directory, errno: errno), storedBytes: storedBytes)
        }
        template.withUnsafeBufferPointer { buffer in
            if let path = buffer.baseAddress { _ = unlink(path) }
        }
        _ = fcntl(named, F_SETFD, FD_CLOEXEC)
        return SpillFile(descriptor: named, pool: pool)
    }

    /// Writes `bytes` at `offset`, which must be where the file ends now; when the pool's budget has
    /// room for only part of them, writes that part.
    func append(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> AppendResult {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return .written }
        let (newEnd, overflow) = offset.addingReportingOverflow(bytes.count)
        guard !overflow else { return .budgetExhausted(written: 0) }
        guard end.compareExchange(expected: offset, desired: newEnd, ordering: .relaxed).exchanged else {
            return .diverged
        }
        // Only the holder ending at `offset` could move `end`, so shrinking it back is safe.
        let count = pool.reserveDisk(upTo: bytes.count)
        if count < bytes.count { end.store(offset &+ count, ordering: .relaxed) }
        var done = 0
        while done < count {
            let result = pwrite(descriptor, base + done, count - done, off_t(offset + done))
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { return .failed(.writeFailed(errno: result < 0 ? errno : EIO)) }
            done += result
        }
        return count == bytes.count ? .written : .budgetExhausted(written: count)
    }

    /// Fills `buffer` from the file at `offset`; the `errno` on failure, EIO for a short file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int32? {
        guard let base = buffer.baseAddress else { return nil }
        var done = 0
        while done < buffer.count {
            let result = pread(descriptor, base + done, buffer.count - done, off_t(offset + done))
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { return result < 0 ? errno : EIO }
            done += result
        }
        return nil
    }
}
