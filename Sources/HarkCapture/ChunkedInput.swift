#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HarkCore
import NIOCore

/// The bytes of a capture, read from a file descriptor in large chunks.
///
/// Every refill reads into another buffer and carries over only the unconsumed tail (at most one
/// partial record), so slices already handed out keep their chunk alive and are never copied on
/// write. A short read(2), normal on pipes, is accepted: `fill` returns as soon as the requested
/// count is readable, so a record is delivered as soon as its last byte arrives.
///
/// The last `reusedChunks` chunks are kept and read into again, oldest first: by then the frames
/// sliced from it have normally been analysed and released, so the chunk is reused in place, with no
/// allocation and no page faults. A chunk still shared is not overwritten: writing to it makes
/// `ByteBuffer` copy it first, as a new chunk would have been allocated.
///
/// An input that waits (a pipe, a followed file) does not wait for ever: after `idleTick` without a
/// byte, `fill` returns without what was asked for and says how long the input has been quiet
/// (`idleTime`), so that the reader's owner can let its clock run on; the next `fill` waits again.
struct ChunkedInput {
    /// Where the bytes come from.
    enum Source {
        /// A file descriptor to read(2) from.
        case descriptor(Int32)
        /// The whole input, already in `buffer`.
        case memory
    }

    /// A failed read(2) or open(2).
    struct SystemError: Error {
        /// The `errno` value.
        var code: Int32

        /// The C library's text for the error (`No such file or directory`).
        var message: String { String(cString: strerror(code)) }
    }

    /// How many chunks read before are kept for reuse (8 MiB at the default chunk size): more than the
    /// read-ahead batches a session keeps in flight.
    static let reusedChunks = 8

    private let source: Source
    private let chunkSize: Int
    /// Chunks read before, oldest first, waiting to be read into again.
    private var usedChunks: [ByteBuffer] = []
    /// The bytes read and not yet consumed: decoders move its reader index past what they used.
    var buffer: ByteBuffer
    /// The file offset of `buffer` index 0.
    private(set) var base: Int64
    /// Bytes read from the source so far.
    private(set) var bytesRead: Int64
    /// Whether the source has reported end of input.
    private(set) var atEnd: Bool
    /// Whether reading may wait for bytes not written yet: a pipe, terminal or socket, or a file that
    /// is followed; not a plain regular file or memory.
    let waitsForInput: Bool
    /// For a followed file (`tail -f`): says when to stop waiting at its end. Until it returns true,
    /// the end of the file is only where the writer has got to.
    private let followUntil: (() -> Bool)?

    /// How long a followed file's reader sleeps at its end before looking again.
    private static let followInterval = timespec(tv_sec: 0, tv_nsec: 100_000_000)
    /// How long an input that waits may stay quiet before `fill` returns without its bytes.
    static let idleTick = TimeSpan.milliseconds(250)
    /// Set when the last `fill` returned because no byte came for `idleTick`: how long ago bytes last
    /// came (or the input was opened); nil after any other return.
    private(set) var idleTime: TimeSpan?
    /// When bytes last came (monotonic clock), for `idleTime`.
    private var lastArrival: Timestamp
    /// The reader index of `buffer` when `fill` returned idle after moving to a fresh chunk: while it
    /// is unchanged nothing was sliced from that chunk, so the next `fill` reads on into it.
    private var idleInFreshChunk: Int?

    /// Input read from `descriptor` in chunks of `chunkSize` bytes; with `followUntil`, the end of
    /// the input is waited past until `followUntil` returns true.
    init(descriptor: Int32, chunkSize: Int, followUntil: (() -> Bool)? = nil) {
        self.source = .descriptor(descriptor)
        self.chunkSize = max(chunkSize, 4_096)
        self.buffer = ByteBuffer()
        self.base = 0
        self.bytesRead = 0
        self.atEnd = false
        self.followUntil = followUntil
        self.lastArrival = monotonicNow()
        var status = stat()
        self.waitsForInput = followUntil != nil || fstat(descriptor, &status) != 0 || status.st_mode & S_IFMT != S_IFREG
    }

    /// Input that is all in `bytes` already; file offsets count from its reader index.
    init(bytes: ByteBuffer) {
        self.source = .memory
        self.chunkSize = 0
        self.buffer = bytes
        self.base = -Int64(bytes.readerIndex)
        self.bytesRead = Int64(bytes.readableBytes)
        self.atEnd = true
        self.waitsForInput = false
        self.followUntil = nil
        self.lastArrival = Timestamp(nanoseconds: 0)
    }

    /// Opens `path` for reading.
    static func openForReading(path: String) throws(SystemError) -> Int32 {
        let descriptor = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw SystemError(code: errno) }
        return descriptor
    }

    /// The file offset of a `buffer` index.
    @inline(__always)
    func offset(of index: Int) -> Int64 { base &+ Int64(index) }

    /// Reads until at least `count` bytes are readable or the input ends (then `atEnd` is set). An
    /// input that waits returns early, with `idleTime` set, once no byte has come for `idleTick`.
    mutating func fill(toReadable count: Int) throws(SystemError) {
        idleTime = nil
        guard buffer.readableBytes < count, !atEnd else { return }
        guard case .descriptor(let descriptor) = source else {
            atEnd = true
            return
        }
        guard awaitBytes(descriptor) else { return }
        if idleInFreshChunk != buffer.readerIndex {
            base = offset(of: buffer.readerIndex)
            let previous = buffer
            buffer = freshChunk(holding: count)
            if previous.capacity >= chunkSize, previous.capacity < 2 &* chunkSize {
                usedChunks.append(previous)
            }
        }
        idleInFreshChunk = nil
        while buffer.readableBytes < count {
            if try readOnce(descriptor) == 0 {
                atEnd = true
                return
            }
            if buffer.readableBytes < count, !awaitBytes(descriptor) {
                idleInFreshChunk = buffer.readerIndex
                return
            }
        }
    }

    /// For an input that waits: waits up to `idleTick` for bytes to read (or the end), setting
    /// `idleTime` and returning false when none came. Other inputs never wait.
    private mutating func awaitBytes(_ descriptor: Int32) -> Bool {
        guard waitsForInput else { return true }
        let deadline = monotonicNow().advanced(by: Self.idleTick)
        while true {
            let now = monotonicNow()
            if now >= deadline {
                idleTime = now.since(lastArrival)
                return false
            }
            if let followUntil {
                // A followed file has bytes when it has grown past what was read (or ends when told).
                var status = stat()
                if fstat(descriptor, &status) != 0 || Int64(status.st_size) > bytesRead || followUntil() { return true }
                var interval = Self.followInterval
                nanosleep(&interval, nil)
                continue
            }
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: max(deadline.since(now).nanoseconds / 1_000_000, 1))
            let ready = poll(&request, 1, milliseconds)
            if ready > 0 || (ready < 0 && errno != EINTR) { return true }
        }
    }

    /// A buffer with room for `count` bytes and a chunk, holding the unconsumed bytes of `buffer`: the
    /// oldest used chunk once `reusedChunks` are kept, else a new one.
    private mutating func freshChunk(holding count: Int) -> ByteBuffer {
        var fresh: ByteBuffer
        if count <= chunkSize, usedChunks.count >= Self.reusedChunks {
            fresh = usedChunks.removeFirst()
            fresh.clear()
        } else {
            fresh = ByteBufferAllocator().buffer(capacity: max(chunkSize, count))
        }
        fresh.writeImmutableBuffer(buffer)
        return fresh
    }

    /// One read(2) into the free space of `buffer`; returns the byte count, 0 at end of input (for a
    /// followed file, once `followUntil` says so: until then its end is waited past).
    private mutating func readOnce(_ descriptor: Int32) throws(SystemError) -> Int {
        while true {
            var result = 0
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 1) { space in
                result = read(descriptor, space.baseAddress, space.count)
                return max(result, 0)
            }
            if result == 0, let followUntil, !followUntil() {
                var interval = Self.followInterval
                nanosleep(&interval, nil)
                continue
            }
            if result >= 0 {
                bytesRead &+= Int64(result)
                if result > 0 { lastArrival = monotonicNow() }
                return result
            }
            let code = errno
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                // A non-blocking descriptor (an inherited stdin can be one): wait until it is readable.
                var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&request, 1, -1)
            default:
                throw SystemError(code: code)
            }
        }
    }
}
