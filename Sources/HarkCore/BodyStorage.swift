public import NIOCore

/// The bytes of one HTTP body: in memory while small, in an unlinked temporary file once large, so
/// that memory is bounded by the bodies in progress, not by their sizes.
///
/// Appends go to a `ByteBuffer`. Up to `BodyStorageLimits.memoryThreshold` that is all; a small body is
/// a plain in-memory `ByteBuffer`, with no file, no syscall, no extra allocation. Past the threshold a
/// body draws on its `BodyStoragePool`'s shared memory allowance, so a few large bodies at a time still
/// stay in memory; once the allowance is used up, its bytes are written to a new file of the pool, and
/// later appends gather in memory (at most the threshold) before each write, so a spilled body costs
/// one `pwrite` per threshold's worth of bytes and nothing written is ever copied again.
///
/// Nothing throws on the way in: when the disk budget is used up or a write fails, `error` says why and
/// later bytes are dropped, so the body is truncated there (`count` is what was kept). Read it back in
/// chunks with `chunks(maxChunk:)`, or at once with `readAll(limit:)`; only reading a spilled body can
/// throw.
///
/// A value type: copies share the file, which is closed when the last copy goes, and appending to a
/// copy never changes what another copy reads.
///
/// ### Example
/// ```swift
/// var body = BodyStorage()
/// for segment in segments { body.append(segment, limits: limits) }
/// var chunks = body.chunks()
/// while let chunk = try chunks.next() { write(chunk) }
/// ```
public struct BodyStorage: Sendable {
    /// All the bytes while `file` is nil; otherwise those after the first `fileCount`, not yet written.
    var memory: ByteBuffer
    /// The file holding the first `fileCount` bytes, once the body has spilled.
    var file: SpillFile?
    /// How many of this value's bytes are in `file`.
    var fileCount: Int
    /// The pool's memory allowance held for the bytes past the threshold, while in memory.
    private var lease: MemoryLease?
    /// Why bytes stopped being kept, if they did.
    public private(set) var error: BodyStorageError?

    /// An empty body (no allocation).
    public init() {
        memory = ByteBuffer()
        file = nil
        fileCount = 0
    }

    /// A body holding `bytes`, in memory, sharing their storage.
    public init(_ bytes: ByteBuffer) {
        memory = bytes
        file = nil
        fileCount = 0
    }

    /// Bytes stored.
    public var count: Int { fileCount &+ memory.readableBytes }

    /// Whether no bytes are stored.
    public var isEmpty: Bool { count == 0 }

    /// Whether the body has moved to a temporary file.
    public var isSpilled: Bool { file != nil }

    /// Prepares memory for a body expected to be `byteCount` long, so that it does not grow by steps:
    /// up to the threshold, and up to `maxReservation` past it when the pool's allowance covers that.
    /// Does nothing once bytes are stored.
    public mutating func reserveCapacity(_ byteCount: Int, limits: BodyStorageLimits) {
        guard file == nil, memory.readableBytes == 0 else { return }
        var capacity = min(byteCount, limits.memoryThreshold)
        let wanted = min(byteCount, max(limits.memoryThreshold, Self.maxReservation))
        if wanted > capacity {
            if lease == nil, limits.pool.maxMemoryBytes > 0 { lease = MemoryLease(pool: limits.pool) }
            if let lease, lease.cover(wanted &- limits.memoryThreshold) { capacity = wanted }
        }
        if capacity > memory.capacity { memory.reserveCapacity(capacity) }
    }

    /// The most memory reserved ahead for a body on the word of the wire (a declared length): 1 MiB.
    public static let maxReservation = 1 << 20

    /// Appends `bytes` (copied: a slice of capture storage is not retained).
    public mutating func append(_ bytes: ByteBuffer, limits: BodyStorageLimits) {
        let byteCount = bytes.readableBytes
        guard byteCount > 0, error == nil else { return }
        if file == nil, memory.readableBytes &+ byteCount <= limits.memoryThreshold {
            memory.writeImmutableBuffer(bytes)
            return
        }
        bytes.withUnsafeReadableBytes { appendPastThreshold($0, limits: limits) }
    }

    /// Appends raw bytes (a decoder's output).
    public mutating func append(_ bytes: UnsafeRawBufferPointer, limits: BodyStorageLimits) {
        guard bytes.count > 0, error == nil else { return }
        if file == nil, memory.readableBytes &+ bytes.count <= limits.memoryThreshold {
            memory.writeBytes(bytes)
            return
        }
        appendPastThreshold(bytes, limits: limits)
    }

    /// The first `maxCount` bytes (all of them when there are fewer), sharing this value's storage.
    public func prefix(_ maxCount: Int) -> BodyStorage {
        guard maxCount < count else { return self }
        var result = self
        let kept = max(0, maxCount)
        if kept <= fileCount {
            result.fileCount = kept
            result.memory = ByteBuffer()
            if kept == 0 { result.file = nil }
        } else {
            result.memory = memory.getSlice(at: memory.readerIndex, length: kept &- fileCount) ?? ByteBuffer()
        }
        return result
    }

    // MARK: - Spilling

    /// Appends past the memory threshold: in memory while the pool's allowance covers the bytes past
    /// it; otherwise the body moves to a file (made on first use), where memory then holds at most the
    /// threshold of unwritten bytes and a write larger than that goes straight to the file.
    private mutating func appendPastThreshold(_ bytes: UnsafeRawBufferPointer, limits: BodyStorageLimits) {
        if file == nil {
            if lease == nil, limits.pool.maxMemoryBytes > 0 { lease = MemoryLease(pool: limits.pool) }
            if let lease, lease.cover(memory.readableBytes &+ bytes.count &- limits.memoryThreshold) {
                memory.writeBytes(bytes)
                return
            }
            do {
                file = try SpillFile.make(in: limits.pool, storedBytes: count)
            } catch {
                // Keep up to the threshold, whatever the cut of the bytes appended so far.
                let room = max(0, limits.memoryThreshold &- memory.readableBytes)
                memory.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[..<min(room, bytes.count)]))
                self.error = BodyStorageError(error.kind, storedBytes: count)
                return
            }
        }
        if memory.readableBytes &+ bytes.count <= limits.memoryThreshold {
            memory.writeBytes(bytes)
            return
        }
        let flushed = write(byteCount: memory.readableBytes, limits: limits) { [memory] file, offset in
            memory.withUnsafeReadableBytes { file.append($0, at: offset) }
        }
        // What memory held is in the file now: give back the allowance, and a buffer grown past the
        // threshold, which staging never needs.
        lease = nil
        if memory.capacity > limits.memoryThreshold { memory = ByteBuffer() } else { memory.clear() }
        guard flushed else { return }
        if bytes.count <= limits.memoryThreshold {
            memory.writeBytes(bytes)
        } else {
            _ = write(byteCount: bytes.count, limits: limits) { file, offset in file.append(bytes, at: offset) }
        }
    }

    /// Writes `byteCount` bytes with `append` after this value's `fileCount` file bytes, first moving to
    /// a file of its own when another copy has appended to the shared one; false (with `error` set) when
    /// the budget or the disk refused them. The body then ends at the last byte in the file, so that
    /// where a budget cuts it does not depend on how its bytes were appended.
    private mutating func write(
        byteCount: Int,
        limits: BodyStorageLimits,
        _ append: (SpillFile, Int) -> SpillFile.AppendResult
    ) -> Bool {
        var moved = false
        while let current = file {
            switch append(current, fileCount) {
            case .written:
                fileCount &+= byteCount
                return true
            case .diverged:
                guard !moved, moveToOwnFile(limits: limits) else { return false }
                moved = true
            case .budgetExhausted(let written):
                fileCount &+= written
                error = BodyStorageError(.diskBudgetExhausted(limit: limits.pool.maxDiskBytes), storedBytes: fileCount)
                return false
            case .failed(let kind):
                error = BodyStorageError(kind, storedBytes: fileCount)
                return false
            }
        }
        return false
    }

    /// Copies this value's file bytes into a new file of its own, for a copy whose shared file another
    /// copy has appended to.
    private mutating func moveToOwnFile(limits: BodyStorageLimits) -> Bool {
        guard let shared = file else { return false }
        let fresh: SpillFile
        do {
            fresh = try SpillFile.make(in: limits.pool, storedBytes: fileCount)
        } catch {
            self.error = error
            return false
        }
        let piece = UnsafeMutableRawBufferPointer.allocate(byteCount: BodyStorage.defaultChunkSize, alignment: 1)
        defer { piece.deallocate() }
        var offset = 0
        while offset < fileCount {
            let length = min(piece.count, fileCount &- offset)
            let target = UnsafeMutableRawBufferPointer(rebasing: piece[0..<length])
            if let code = shared.read(into: target, at: offset) {
                error = BodyStorageError(.readFailed(errno: code), storedBytes: fileCount)
                return false
            }
            switch fresh.append(UnsafeRawBufferPointer(target), at: offset) {
            case .written, .diverged:
                break
            case .budgetExhausted:
                error = BodyStorageError(.diskBudgetExhausted(limit: limits.pool.maxDiskBytes), storedBytes: fileCount)
                return false
            case .failed(let kind):
                error = BodyStorageError(kind, storedBytes: fileCount)
                return false
            }
            offset &+= length
        }
        file = fresh
        return true
    }
}
