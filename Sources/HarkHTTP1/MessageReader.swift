import HarkCore
import NIOCore

/// Reads one direction of a connection as a sequence of HTTP/1 messages: heads, body bytes, message
/// ends, and the anomalies in between.
///
/// A pull parser in the shape of NIO's single-step decoders: `step(_:)` consumes what it can from the
/// working buffer and returns one `Output`; `needMoreData` means the rest must wait for the next
/// segment, and `end(_:)` keeps those bytes. After a head, the owner decides the body framing (it needs
/// the request a response answers) and calls `startBody(_:)`. Partial heads, chunk-size lines and
/// trailers resume where they stopped: no byte is scanned twice, whatever the segmentation.
struct MessageReader {
    /// One thing found in the stream.
    enum Output {
        /// Nothing more can be done with the bytes at hand.
        case needMoreData
        /// A complete head at `messageStart`, `size` bytes long; call `startBody(_:)` next.
        case head(ParsedHead, size: Int)
        /// Transfer-decoded body bytes (a slice of the input).
        case bodyBytes(ByteBuffer)
        /// The body (and so the message) ended.
        case messageEnd(BodyEnd)
        /// An anomaly at a stream offset; `packet` is the number of the packet holding its first byte
        /// when that is not the one being read (skipped bytes), else 0.
        case diagnostic(HTTP1Diagnostic.Kind, offset: Int64, length: Int, detail: String?, packet: Int = 0)
        /// The bytes at a message boundary do not start a message; call `startResync()` or
        /// `startCloseDelimitedBody()`.
        case notAMessageStart
        /// Bytes after the connection left HTTP/1.
        case tunnelBytes(ByteBuffer)
    }

    /// How a body ended.
    struct BodyEnd {
        /// Whether the framing reached its end.
        var isComplete: Bool
        var missingBytes: Int
        var wireBytes: Int
        var chunkCount: Int
        var trailers: HTTPFields
        /// Stream offset just past the message.
        var endOffset: Int64
    }

    enum State {
        case idle
        case head(scanned: Int, startLine: StartLine?, firstFieldLine: Int)
        case awaitingFraming
        case fixedLength(remaining: Int)
        case chunked(ChunkedPhase)
        case untilClose
        case ending(isComplete: Bool)
        case resync(ResyncProgress)
        case tunnel
        case closed
    }

    let isRequest: Bool
    let limits: HTTP1Limits
    var state = State.idle
    /// Stream offset of the working buffer's reader index.
    var offset: Int64 = 0
    /// Stream offset where the current message began.
    var messageStart: Int64 = 0
    /// Capture time of the segment holding the current message's first byte.
    var messageStartTime = Timestamp(nanoseconds: 0)
    /// Capture time of the latest segment that brought bytes of the head being read.
    var headLastByteTime = Timestamp(nanoseconds: 0)
    /// The packets of `messageStartTime` and `headLastByteTime` (0: not known).
    var messageStartPacket = 0
    var headLastPacket = 0
    /// The analyzer's packet clock, read with the times above.
    var clock: PacketClock?
    /// Whether nothing has been parsed, skipped or lost yet in this direction.
    var isPristine = true
    /// Whether the first message of this direction started at its first byte (after blank lines).
    private(set) var firstMessageAtStreamStart = false
    /// Unconsumed bytes carried to the next segment, in the reader's own storage.
    var carried: ByteBuffer?
    /// Whether the working buffer is `carried` (own storage) rather than the caller's segment.
    private var workingIsOwned = false
    /// Counters for the body being read.
    var progress = BodyProgress()

    /// What the reader has counted of the current body.
    struct BodyProgress {
        var wireBytes = 0
        var chunkCount = 0
        var missingBytes = 0
        var trailers = HTTPFields()
    }

    init(isRequest: Bool, limits: HTTP1Limits) {
        self.isRequest = isRequest
        self.limits = limits
    }

    /// The buffer to parse: `bytes`, appended to carried bytes when there are any.
    mutating func begin(_ bytes: ByteBuffer) -> ByteBuffer {
        guard var working = carried else {
            workingIsOwned = false
            return bytes
        }
        carried = nil
        workingIsOwned = true
        var incoming = bytes
        working.writeBuffer(&incoming)
        return working
    }

    /// Keeps the unconsumed rest of the working buffer for the next segment, copying it out of the
    /// capture's storage if needed. Takes the buffer over (leaving it empty) so that keeping our own
    /// storage never copies it.
    mutating func end(_ working: inout ByteBuffer) {
        guard working.readableBytes > 0, !isClosed else { return }
        if workingIsOwned {
            var kept = working
            working = ByteBuffer()
            kept.discardReadBytes()
            carried = kept
        } else {
            var copy = ByteBufferAllocator().buffer(capacity: max(working.readableBytes, 512))
            copy.writeImmutableBuffer(working)
            carried = copy
        }
    }

    var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// Whether the reader is between messages: waiting for, or searching for, the next start.
    var isBetweenMessages: Bool {
        switch state {
        case .idle, .resync: true
        default: false
        }
    }

    /// Consumes from `input`, which arrived at `time`, up to the next thing worth reporting.
    mutating func step(_ input: inout ByteBuffer, at time: Timestamp) -> Output {
        switch state {
        case .idle:
            skipBlankLines(&input)
            guard input.readableBytes > 0 else { return .needMoreData }
            messageStart = offset
            messageStartTime = time
            messageStartPacket = clock?.number ?? 0
            state = .head(scanned: 0, startLine: nil, firstFieldLine: 0)
            return step(&input, at: time)
        case .head(let scanned, let startLine, let firstFieldLine):
            return stepHead(&input, scanned: scanned, startLine: startLine, firstFieldLine: firstFieldLine, at: time)
        case .awaitingFraming, .closed:
            return .needMoreData
        case .fixedLength(let remaining):
            guard input.readableBytes > 0 else { return .needMoreData }
            let count = min(remaining, input.readableBytes)
            state = count == remaining ? .ending(isComplete: true) : .fixedLength(remaining: remaining - count)
            return .bodyBytes(take(count, from: &input))
        case .chunked(let phase):
            return stepChunked(&input, phase: phase, at: time)
        case .untilClose:
            guard input.readableBytes > 0 else { return .needMoreData }
            return .bodyBytes(take(input.readableBytes, from: &input))
        case .ending(let isComplete):
            state = .idle
            return .messageEnd(endBody(isComplete: isComplete))
        case .resync(let resync):
            return stepResync(&input, resync, at: time)
        case .tunnel:
            guard input.readableBytes > 0 else { return .needMoreData }
            let count = input.readableBytes
            offset &+= Int64(count)
            return .tunnelBytes(input.readSlice(length: count) ?? ByteBuffer())
        }
    }

    /// Sets the framing of the body that follows the head just returned.
    mutating func startBody(_ framing: BodyFraming) {
        progress = BodyProgress()
        switch framing {
        case .none, .contentLength(0): state = .ending(isComplete: true)
        case .contentLength(let length): state = .fixedLength(remaining: length)
        case .chunked: state = .chunked(.sizeLine(ChunkSizeLine()))
        case .untilClose: state = .untilClose
        }
    }

    /// Reads everything until the direction ends as one body, with no head (HTTP/0.9 responses).
    mutating func startCloseDelimitedBody() {
        isPristine = false
        messageStart = offset
        progress = BodyProgress()
        state = .untilClose
    }

    /// Hands every later byte over as tunnel data.
    mutating func startTunnel() {
        state = .tunnel
    }

    /// Consumes `count` body bytes as a slice, counting them.
    private mutating func take(_ count: Int, from input: inout ByteBuffer) -> ByteBuffer {
        offset &+= Int64(count)
        progress.wireBytes &+= count
        return input.readSlice(length: count) ?? ByteBuffer()
    }

    /// RFC 9112 §2.2: ignore empty lines before a start line.
    private mutating func skipBlankLines(_ input: inout ByteBuffer) {
        let count = input.withUnsafeReadableBytes { bytes in
            bytes.prefix { $0 == ASCII.cr || $0 == ASCII.lf }.count
        }
        input.moveReaderIndex(forwardBy: count)
        offset &+= Int64(count)
    }

    private mutating func stepHead(
        _ input: inout ByteBuffer,
        scanned: Int,
        startLine: StartLine?,
        firstFieldLine: Int,
        at time: Timestamp
    ) -> Output {
        headLastByteTime = time
        headLastPacket = clock?.number ?? 0
        var line = startLine
        var fieldsStart = firstFieldLine
        var resume = scanned
        // Only the first maxHeadBytes bytes are looked at, so that decisions never depend on how much
        // arrived in one segment.
        let window = min(input.readableBytes, limits.maxHeadBytes)
        let overLimit = input.readableBytes > limits.maxHeadBytes
        if line == nil {
            let check = input.withUnsafeReadableBytes {
                StartLine.check(
                    UnsafeRawBufferPointer(rebasing: $0[..<window]),
                    isRequest: isRequest,
                    searchFrom: scanned
                )
            }
            switch check {
            case .invalid:
                return .notAMessageStart
            case .needMore:
                state = .head(scanned: window, startLine: nil, firstFieldLine: 0)
                return overLimit ? headTooLarge(&input, at: time) : .needMoreData
            case .valid(let found, let lineEnd):
                line = found
                fieldsStart = lineEnd
                // The blank-line search starts at the start line's own LF.
                resume = lineEnd - 1
            }
        }
        guard let line else { return .needMoreData }
        let sectionEnd = input.withUnsafeReadableBytes {
            HeadScanner.findSectionEnd(UnsafeRawBufferPointer(rebasing: $0[..<window]), from: resume, mayBeEmpty: false)
        }
        switch sectionEnd {
        case .notFound(let resumeAt):
            state = .head(scanned: resumeAt, startLine: line, firstFieldLine: fieldsStart)
            return overLimit ? headTooLarge(&input, at: time) : .needMoreData
        case .found(let end):
            let head = input.withUnsafeReadableBytes { bytes in
                HeadParser.parse(
                    UnsafeRawBufferPointer(rebasing: bytes[..<end]),
                    startLine: line,
                    firstFieldLine: fieldsStart,
                    maxFields: limits.maxHeaderCount
                )
            }
            input.moveReaderIndex(forwardBy: end)
            offset &+= Int64(end)
            if isPristine { firstMessageAtStreamStart = true }
            isPristine = false
            state = .awaitingFraming
            return .head(head, size: end)
        }
    }

    /// Gives up on a head that outgrew the limit: its bytes are skipped by a resync.
    private mutating func headTooLarge(_ input: inout ByteBuffer, at time: Timestamp) -> Output {
        startResync(skippingFirstByte: true, reason: .headTooLarge)
        return step(&input, at: time)
    }
}
