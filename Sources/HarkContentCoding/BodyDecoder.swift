public import HarkCore
public import NIOCore

/// Undoes a body's content codings as its bytes arrive, keeping the decoded bytes in a `BodyStorage`
/// (in memory while small, on disk beyond the storage's threshold) and counting all of them.
///
/// HTTP analyzers make one when a body with a `Content-Encoding` starts, feed it every body byte, and
/// finish it at the end of the message; with `keepLimit` 0 only the decoded length is counted (what
/// `hark har --no-bodies` needs for `content.size`).
///
/// ### Example
/// ```swift
/// let decoder = BodyDecoder(codings: [.gzip], maxOutputBytes: 1 << 30, keepLimit: 1 << 30, storage: .init())
/// for chunk in chunks { decoder.decode(chunk) }
/// let result = decoder.finish()
/// ```
///
/// Owns C library state: one body, one owner, not thread-safe.
public final class BodyDecoder {
    /// What decoding produced.
    public struct Result: Hashable, Sendable {
        /// The decoded bytes kept (at most `keepLimit`, fewer when the storage failed).
        public var bytes: BodyStorage
        /// Decoded bytes produced, kept or not (at most `maxOutputBytes`).
        public var length: Int
        /// The first decoding problem, if any.
        public var error: ContentDecodingError?
    }

    /// Encoded bytes gathered before each decoding call: one call per TCP segment would cost the
    /// decompressor's per-call overhead thousands of times per megabyte.
    public static let batchSize = 32 << 10
    /// A gzip body up to this size is held until it ends and decoded in one call
    /// (`ContentDecoder.decodeWhole`: about half the instructions of streaming).
    public static let wholeBodyLimit = 256 << 10
    /// A gzip body up to this size is held too while the storage pool's memory allowance has room for
    /// what it holds past `wholeBodyLimit` (a `MemoryLease`, given back when the body is decoded); a
    /// bigger one, or one the allowance has no room for, is decoded in batches as it arrives.
    public static let largeWholeBodyLimit = 4 << 20
    /// At most this many chunks are held (a body cut into tiny segments is decoded in batches instead).
    public static let maxHeldChunks = 16_384

    private let decoder: ContentDecoder
    private let keepLimit: Int
    private let storage: BodyStorageLimits
    private var decoded = BodyStorage()
    /// Encoded bytes not yet decoded: fewer than `batchSize`, or the whole body so far while it is held whole.
    private var pending = ByteBuffer()
    /// Where each chunk of `pending` ends while the body is held whole, so that a body the one-call
    /// decoder declines is fed to the streaming decoder in the chunks it arrived in; nil when not held.
    private var heldChunkEnds: [Int]?
    /// What the held body takes of the pool's memory allowance past `wholeBodyLimit`.
    private var lease: MemoryLease?

    /// - Parameters:
    ///   - codings: the content codings in the order applied (header order).
    ///   - maxOutputBytes: the decompression cap: decoding stops there with `.outputLimitExceeded`.
    ///   - keepLimit: most decoded bytes kept; later ones are counted only.
    ///   - storage: where kept bytes go; its pool's decoded-bytes budget bounds the whole run's decoding.
    public init(codings: [ContentCoding], maxOutputBytes: Int, keepLimit: Int, storage: BodyStorageLimits) {
        self.decoder = ContentDecoder(codings: codings, maxOutputBytes: maxOutputBytes, budget: storage.pool)
        self.keepLimit = max(0, keepLimit)
        self.storage = storage
        self.heldChunkEnds = decoder.decodesWholeBodies ? [] : nil
    }

    /// Decodes the next encoded bytes (held whole while the body is a small gzip body, otherwise
    /// gathered into batches of `batchSize`).
    public func decode(_ chunk: ByteBuffer) {
        if var ends = heldChunkEnds {
            heldChunkEnds = nil
            if ends.count < Self.maxHeldChunks, makeRoom(for: chunk.readableBytes) {
                pending.writeImmutableBuffer(chunk)
                ends.append(pending.readableBytes)
                heldChunkEnds = ends
                return
            }
            replayHeldChunks(ends)
        }
        batch(chunk)
    }

    /// Whether `count` more bytes may be held: within `wholeBodyLimit`, or within `largeWholeBodyLimit`
    /// with the held buffer's storage past `wholeBodyLimit` covered by the lease (the buffer then grows
    /// here, to what the lease covers, and not when it is written to).
    private func makeRoom(for count: Int) -> Bool {
        let total = pending.readableBytes &+ count
        guard total > Self.wholeBodyLimit else { return true }
        guard total <= Self.largeWholeBodyLimit, storage.pool.maxMemoryBytes > 0 else { return false }
        guard total > pending.capacity else { return true }
        let capacity = min(max(total, pending.capacity &* 2), Self.largeWholeBodyLimit)
        let lease = self.lease ?? MemoryLease(pool: storage.pool)
        self.lease = lease
        guard lease.cover(capacity &- Self.wholeBodyLimit) else { return false }
        pending.reserveCapacity(capacity)
        return true
    }

    /// Ends the body: the decoded bytes, how many were produced, and the first problem.
    public func finish() -> Result {
        if let ends = heldChunkEnds {
            heldChunkEnds = nil
            if decoder.decodeWhole(pending, emit: keep) {
                pending = ByteBuffer()
                lease = nil
            } else {
                replayHeldChunks(ends)
            }
        }
        if pending.readableBytes > 0 {
            run(pending)
            pending.clear()
        }
        decoder.finish()
        decoded.seal(limits: storage)
        return Result(bytes: decoded, length: decoder.outputByteCount, error: decoder.error)
    }

    /// Feeds the held body to the batching path in the chunks it arrived in.
    private func replayHeldChunks(_ ends: [Int]) {
        let held = pending
        pending = ByteBuffer()
        var start = held.readerIndex
        for end in ends {
            guard let chunk = held.getSlice(at: start, length: held.readerIndex &+ end &- start) else { break }
            batch(chunk)
            start = held.readerIndex &+ end
        }
        lease = nil
    }

    private func batch(_ chunk: ByteBuffer) {
        if pending.readableBytes == 0, chunk.readableBytes >= Self.batchSize {
            run(chunk)
            return
        }
        if pending.capacity == 0 { pending.reserveCapacity(Self.batchSize) }
        pending.writeImmutableBuffer(chunk)
        guard pending.readableBytes >= Self.batchSize else { return }
        run(pending)
        pending.clear()
    }

    private func run(_ chunk: ByteBuffer) {
        decoder.decode(chunk, emit: keep)
    }

    /// Keeps decoded bytes up to `keepLimit`.
    private func keep(_ bytes: UnsafeRawBufferPointer) {
        let room = keepLimit &- decoded.count
        guard room > 0 else { return }
        decoded.append(bytes.count <= room ? bytes : UnsafeRawBufferPointer(rebasing: bytes[..<room]), limits: storage)
    }
}

@available(*, unavailable)
extension BodyDecoder: Sendable {}
