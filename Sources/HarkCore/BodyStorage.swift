public import NIOCore

/// The bytes of one HTTP body: in memory while small, in an unlinked temporary file once large, so
/// that memory is bounded by the bodies in progress, not by their sizes.
///
/// Appends go to a `ByteBuffer`. Up to `BodyStorageLimits.memoryThreshold` that is all: a small body is
/// a plain in-memory `ByteBuffer`, with no file, no syscall, no extra allocation. Past the threshold a
/// body draws on its `BodyStoragePool`'s shared memory allowance, in fixed-size blocks, so that a few
/// large bodies at a time still stay in memory; once the allowance is used up, its bytes are written to
/// a new file of the pool, and later appends gather in memory (at most the threshold) before each
/// write, so a spilled body costs one `pwrite` per threshold's worth of bytes. Appends are O(1)
/// amortised and never copy again what was already stored.
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
    /// In memory: the first bytes, at most the threshold once `blocks` are used. Spilled: the bytes
    /// after the first `fileCount`, not yet written.
    var memory: ByteBuffer
    /// In memory only: the bytes after `memory`, in blocks of `blockSize` (the last one filling).
    var blocks: [ByteBuffer] = []
    /// Bytes in `blocks`.
    var blockBytes = 0
    /// The file holding the first `fileCount` bytes, once the body has spilled.
    var file: SpillFile?
    /// How many of this value's bytes are in `file`.
    var fileCount = 0
    /// The pool's memory allowance held for `blocks`.
    var lease: MemoryLease?
    /// Why bytes stopped being kept, if they did.
    public internal(set) var error: BodyStorageError?

    /// An empty body (no allocation).
    public init() {
        memory = ByteBuffer()
    }

    /// A body holding `bytes`, in memory, sharing their storage.
    public init(_ bytes: ByteBuffer) {
        memory = bytes
    }

    /// Bytes stored.
    public var count: Int { fileCount &+ memory.readableBytes &+ blockBytes }

    /// Whether no bytes are stored.
    public var isEmpty: Bool { count == 0 }

    /// Whether the body has moved to a temporary file.
    public var isSpilled: Bool { file != nil }

    /// Prepares memory for a body expected to be `byteCount` long (up to the threshold: past it,
    /// blocks are taken as bytes come); does nothing once bytes are stored.
    public mutating func reserveCapacity(_ byteCount: Int, limits: BodyStorageLimits) {
        guard file == nil, memory.readableBytes == 0 else { return }
        let capacity = min(byteCount, limits.memoryThreshold)
        if capacity > memory.capacity { memory.reserveCapacity(capacity) }
    }

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
        var kept = max(0, maxCount)
        result.blocks = []
        result.blockBytes = 0
        if kept <= fileCount {
            result.fileCount = kept
            result.memory = ByteBuffer()
            if kept == 0 { result.file = nil }
            return result
        }
        kept &-= fileCount
        result.memory = memory.getSlice(at: memory.readerIndex, length: min(kept, memory.readableBytes)) ?? ByteBuffer()
        kept &-= result.memory.readableBytes
        for block in blocks where kept > 0 {
            let part = block.getSlice(at: block.readerIndex, length: min(kept, block.readableBytes)) ?? ByteBuffer()
            result.blocks.append(part)
            result.blockBytes &+= part.readableBytes
            kept &-= part.readableBytes
        }
        return result
    }

    /// Appends past the memory threshold: into blocks while the pool's allowance covers them, else to
    /// the file (made, and everything in memory written to it, on first use).
    private mutating func appendPastThreshold(_ bytes: UnsafeRawBufferPointer, limits: BodyStorageLimits) {
        var rest = bytes
        if file == nil {
            // Fill the first buffer to the threshold exactly, so that later appends never go there.
            let room = min(max(0, limits.memoryThreshold &- memory.readableBytes), rest.count)
            if room > 0, blocks.isEmpty {
                memory.writeBytes(UnsafeRawBufferPointer(rebasing: rest[..<room]))
                rest = UnsafeRawBufferPointer(rebasing: rest[room...])
            }
            if lease == nil, limits.pool.maxMemoryBytes > 0 { lease = MemoryLease(pool: limits.pool) }
            if let lease, lease.cover(blockBytes &+ rest.count) {
                appendToBlocks(rest, blockSize: max(limits.memoryThreshold, Self.minimumBlockSize))
                return
            }
            guard moveToFile(limits: limits) else { return }
        }
        appendToFile(rest, limits: limits)
    }

    /// The smallest block past the threshold: 1 MiB (pages a block does not fill are never touched,
    /// so they cost address space, not memory).
    static let minimumBlockSize = 64 << 10

    private mutating func appendToBlocks(_ bytes: UnsafeRawBufferPointer, blockSize: Int) {
        var rest = bytes
        while !rest.isEmpty {
            let last = blocks.count &- 1
            if last < 0 || blocks[last].writableBytes == 0 {
                blocks.append(ByteBufferAllocator().buffer(capacity: blockSize))
                continue
            }
            let count = min(blocks[last].writableBytes, rest.count)
            blocks[last].writeBytes(UnsafeRawBufferPointer(rebasing: rest[..<count]))
            rest = UnsafeRawBufferPointer(rebasing: rest[count...])
        }
        blockBytes &+= bytes.count
    }
}
