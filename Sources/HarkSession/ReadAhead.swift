#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a `PacketSource` on a thread of its own, a few batches ahead of the session: records are read
/// and frames decoded on one core while reassembly and protocol analysis run on another.
///
/// This is concurrency at the edge (STYLE.md rule 11): the source belongs to the reading thread, the
/// analysis to the session's, and only whole batches cross, through a lock taken twice per batch. At
/// most `depth` filled batches wait, so the reading thread stops when the session falls behind and
/// memory stays bounded; emptied batches come back for reuse.
final class ReadAhead: @unchecked Sendable {
    /// How many filled batches may wait for the session.
    static let depth = 4

    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Filled batches, oldest first (guarded by `lock`).
    private var filled: [PacketBatch] = []
    /// Emptied batches for the reading thread to fill again (guarded by `lock`).
    private var spare: [PacketBatch] = []
    /// Whether the reading thread has delivered its last batch or stopped (guarded by `lock`).
    private var isDone = false
    /// Whether the session wants no more batches (guarded by `lock`).
    private var isCancelled = false
    private var thread: pthread_t?

    /// Starts reading `source` on a new thread; nil when no thread can be started.
    init?(source: PacketSource) {
        pthread_mutex_init(lock, nil)
        pthread_cond_init(changed, nil)
        let reading = ReadingThread(readAhead: self, source: source)
        guard let started = startThread({ reading.run() }) else { return nil }
        thread = started
    }

    deinit {
        stop()
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(lock)
        changed.deallocate()
        lock.deallocate()
    }

    /// The next filled batch, waiting for it if need be; nil once the last batch was taken.
    func next() -> PacketBatch? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        while filled.isEmpty, !isDone {
            pthread_cond_wait(changed, lock)
        }
        guard !filled.isEmpty else { return nil }
        pthread_cond_broadcast(changed)
        return filled.removeFirst()
    }

    /// Gives an analysed batch back to be filled again; it is emptied first, so its frames' chunks
    /// are released on this thread, now. Pass the last reference (`consume batch`): a copy still held
    /// would make emptying it copy its storage.
    func recycle(_ batch: consuming PacketBatch) {
        batch.clear()
        pthread_mutex_lock(lock)
        spare.append(batch)
        pthread_mutex_unlock(lock)
    }

    /// Stops the reading thread, if it is still running, and waits for it to end.
    func stop() {
        pthread_mutex_lock(lock)
        isCancelled = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(lock)
        guard let running = thread else { return }
        thread = nil
        pthread_join(running, nil)
    }

    // MARK: - The reading thread

    /// A batch to fill: a spare one, or a new one.
    fileprivate func emptyBatch() -> PacketBatch {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return spare.popLast() ?? PacketBatch()
    }

    /// Hands a filled batch to the session, waiting while `depth` batches wait already; false when the
    /// session wants no more. Pass the last reference (`consume batch`): a copy still held would make
    /// the session's first change to the batch copy all its frames.
    fileprivate func deliver(_ batch: consuming PacketBatch) -> Bool {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        while filled.count >= Self.depth, !isCancelled {
            pthread_cond_wait(changed, lock)
        }
        guard !isCancelled else { return false }
        filled.append(batch)
        pthread_cond_broadcast(changed)
        return true
    }

    /// Records that no batch will follow.
    fileprivate func finishReading() {
        pthread_mutex_lock(lock)
        isDone = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(lock)
    }
}

/// What the reading thread owns: the source, from start to end, and a way back to its `ReadAhead`.
private final class ReadingThread: @unchecked Sendable {
    let readAhead: ReadAhead
    var source: PacketSource

    init(readAhead: ReadAhead, source: PacketSource) {
        self.readAhead = readAhead
        self.source = source
    }

    func run() {
        while !source.isFinished {
            var batch = readAhead.emptyBatch()
            source.fill(&batch, maximumFrames: source.batchFrames, maximumBytes: PacketSource.batchBytes)
            guard readAhead.deliver(consume batch) else { break }
        }
        readAhead.finishReading()
    }
}
