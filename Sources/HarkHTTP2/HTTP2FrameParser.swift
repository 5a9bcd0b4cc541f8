public import NIOCore

/// An incremental HTTP/2 frame parser for one direction of a connection, shaped like NIOHTTP2's
/// (internal) `HTTP2FrameDecoder`: `append(_:)` bytes as they arrive, then call `next()` until it
/// returns nil. It never consumes on a short read, so any segmentation gives the same frames.
///
/// Lenient where a peer would tear the connection down: a frame longer than `maxFrameSize` is reported
/// and still parsed (up to the protocol's 2^24-1), a payload that does not fit its type becomes a
/// `.malformed` payload, unknown frame types are skipped and counted. When the direction does not start
/// at a frame boundary (a capture begun mid-connection, bytes lost in a gap, no client preface), it
/// finds the next believable frame header (plausible type, length, stream and flags, followed by
/// another plausible header) and reports the bytes it skipped.
///
/// ### Example
/// ```swift
/// var parser = HTTP2FrameParser(expectingPreface: true)
/// parser.append(segment)
/// while let output = parser.next() { … }
/// ```
public struct HTTP2FrameParser {
    /// What `next()` produces.
    public enum Output: Hashable, Sendable {
        /// The client connection preface (RFC 9113 §3.4) was read.
        case preface
        /// A complete frame.
        case frame(HTTP2Frame)
        /// Something was wrong; parsing went on.
        case problem(Problem)
    }

    /// A wire problem, with where it was found.
    public struct Problem: Hashable, Sendable {
        /// What was wrong.
        public enum Kind: Hashable, Sendable {
            /// The client direction did not start with the connection preface; frame boundaries were
            /// searched for instead.
            case missingPreface
            /// Bytes that are not frames were skipped until a believable frame header.
            case skippedBytes
            /// A frame declared more than the receiver's SETTINGS_MAX_FRAME_SIZE; it was parsed anyway.
            case frameTooLarge(HTTP2FrameHeader)
            /// Bytes of this frame were lost in capture; the frame was dropped.
            case frameCutByGap(HTTP2FrameHeader)
        }

        /// What was wrong.
        public var kind: Kind
        /// Stream offset where it starts.
        public var streamOffset: Int64
        /// Number of bytes concerned (0 when it is about a position).
        public var length: Int

        /// A problem from its parts.
        public init(kind: Kind, streamOffset: Int64, length: Int) {
            self.kind = kind
            self.streamOffset = streamOffset
            self.length = length
        }
    }

    private enum State: Hashable {
        case preface
        case frames
        case seeking
    }

    /// RFC 9113 §3.4: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".
    static let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// The most bytes searched through before they are reported and dropped.
    static let maxSeekRun = 64 << 10

    private var state: State
    private var buffer = ByteBuffer()
    /// Stream offset of `buffer.readerIndex`.
    private var offset: Int64 = 0
    /// Payload bytes of a frame cut by a gap still to be dropped.
    private var skipping = 0
    /// Set by `endOfInput()`.
    private var atEnd = false
    /// Whether `buffer` is the parser's own storage rather than a slice of appended bytes.
    private var ownsStorage = true
    /// While seeking: the first position not yet rejected.
    private var seekFrom = 0
    /// The largest payload the receiver accepts (its SETTINGS_MAX_FRAME_SIZE), default 16384; larger
    /// frames are reported.
    public var maxFrameSize = 16_384
    /// Bytes appended but not yet parsed (part of a frame, or searched through).
    public var bufferedByteCount: Int { buffer.readableBytes }
    /// Stream offset of the first byte not yet parsed.
    public var streamOffset: Int64 { offset }
    /// Frames of types hark does not decode, skipped so far.
    public private(set) var unknownFrameCount = 0

    /// A parser at the start of a direction: expecting the client preface, or frames.
    ///
    /// - Parameter expectingPreface: true for the client side of a new connection.
    /// - Parameter midConnection: true when the direction may not start at a frame boundary.
    public init(expectingPreface: Bool, midConnection: Bool = false) {
        state = midConnection ? .seeking : (expectingPreface ? .preface : .frames)
    }

    /// Adds the next bytes of the direction. They are not copied unless kept across calls.
    public mutating func append(_ bytes: ByteBuffer) {
        var bytes = bytes
        if skipping > 0 {
            let dropped = min(skipping, bytes.readableBytes)
            bytes.moveReaderIndex(forwardBy: dropped)
            skipping -= dropped
            offset &+= Int64(dropped)
        }
        guard bytes.readableBytes > 0 else { return }
        if buffer.readableBytes == 0 {
            seekFrom = seekFrom - buffer.readerIndex + bytes.readerIndex
            buffer = bytes
            ownsStorage = false
        } else {
            seekFrom -= buffer.readerIndex
            if !ownsStorage { detach() }
            buffer.discardReadBytes()
            buffer.writeImmutableBuffer(bytes)
            seekFrom += buffer.readerIndex
        }
    }

    /// Moves unparsed bytes out of the caller's (capture) storage into the parser's own, so that a
    /// partial frame does not keep a whole capture chunk alive.
    private mutating func detach() {
        var copy = ByteBufferAllocator().buffer(capacity: buffer.readableBytes)
        copy.writeImmutableBuffer(buffer)
        seekFrom = seekFrom - buffer.readerIndex + copy.readerIndex
        buffer = copy
        ownsStorage = true
    }

    /// Notes that `length` bytes of the direction were lost in capture.
    ///
    /// - Returns: the problem to report, if the gap cut a frame.
    public mutating func gap(_ length: Int) -> Problem? {
        guard length > 0 else { return nil }
        var problem: Problem?
        if state == .frames, let header = HTTP2FrameHeader.peek(buffer, at: buffer.readerIndex),
            case let missing = 9 + header.length - buffer.readableBytes, missing >= length
        {
            // The gap falls inside this frame's payload: drop the frame, resume after it.
            problem = Problem(kind: .frameCutByGap(header), streamOffset: offset, length: 9 + header.length)
            skipping = missing - length
        } else if skipping >= length {
            skipping -= length
        } else {
            skipping = 0
            state = .seeking
        }
        offset &+= Int64(buffer.readableBytes + length)
        buffer.moveReaderIndex(to: buffer.writerIndex)
        seekFrom = buffer.readerIndex
        return problem
    }

    /// The next complete output, or nil when more bytes are needed.
    public mutating func next() -> Output? {
        let output: Output?
        switch state {
        case .preface: output = nextPreface()
        case .frames: output = nextFrame()
        case .seeking: output = seek()
        }
        if output == nil, !ownsStorage, buffer.readableBytes > 0 { detach() }
        return output
    }

    /// Notes that no more bytes will come: while searching for a frame boundary, a believable frame that
    /// ends exactly at the end of the input is accepted without a following header. Call `next()` until
    /// nil afterwards, then `finish()`.
    public mutating func endOfInput() {
        atEnd = true
    }

    /// Ends the direction: bytes of an incomplete frame are reported as skipped.
    ///
    /// - Returns: the problem to report, if bytes were left over.
    public mutating func finish() -> Problem? {
        let left = buffer.readableBytes
        guard left > 0 else { return nil }
        let problem = Problem(kind: .skippedBytes, streamOffset: offset, length: left)
        offset &+= Int64(left)
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return problem
    }

    private mutating func nextPreface() -> Output? {
        let available = min(buffer.readableBytes, Self.preface.count)
        for index in 0..<available where buffer.getInteger(at: buffer.readerIndex + index, as: UInt8.self) != Self.preface[index] {
            state = .seeking
            seekFrom = buffer.readerIndex
            return .problem(Problem(kind: .missingPreface, streamOffset: offset, length: 0))
        }
        guard available == Self.preface.count else { return nil }
        consume(Self.preface.count)
        state = .frames
        return .preface
    }

    private mutating func nextFrame() -> Output? {
        guard let header = HTTP2FrameHeader.peek(buffer, at: buffer.readerIndex) else { return nil }
        guard buffer.readableBytes >= 9 + header.length else {
            return header.length > maxFrameSize && !reportedOversize ? reportOversize(header) : nil
        }
        if header.length > maxFrameSize, !reportedOversize { return reportOversize(header) }
        reportedOversize = false
        let start = offset
        guard let payload = buffer.getSlice(at: buffer.readerIndex + 9, length: header.length) else { return nil }
        consume(9 + header.length)
        if !header.type.isCore { unknownFrameCount &+= 1 }
        return .frame(HTTP2Frame(header: header, payload: .decode(header, payload: payload), streamOffset: start))
    }

    /// Whether the frame at the front was already reported as over `maxFrameSize`.
    private var reportedOversize = false

    private mutating func reportOversize(_ header: HTTP2FrameHeader) -> Output {
        reportedOversize = true
        return .problem(Problem(kind: .frameTooLarge(header), streamOffset: offset, length: 9 + header.length))
    }

    /// Looks for the next frame boundary: a plausible header followed by another plausible header.
    private mutating func seek() -> Output? {
        let limit = max(16_384, maxFrameSize)
        while let header = HTTP2FrameHeader.peek(buffer, at: seekFrom) {
            if header.isPlausible(maxLength: limit) {
                let following = seekFrom + 9 + header.length
                guard atEnd || buffer.writerIndex - following >= 9 else { return nil }
                let confirmed =
                    following == buffer.writerIndex && atEnd
                    || HTTP2FrameHeader.peek(buffer, at: following)?.isPlausible(maxLength: limit) == true
                if confirmed {
                    let skipped = seekFrom - buffer.readerIndex
                    state = .frames
                    guard skipped > 0 else { return nextFrame() }
                    let problem = Problem(kind: .skippedBytes, streamOffset: offset, length: skipped)
                    consume(skipped)
                    return .problem(problem)
                }
            }
            seekFrom += 1
            // Memory stays bounded while searching through garbage: report and drop it in 64 KiB runs.
            if seekFrom - buffer.readerIndex >= Self.maxSeekRun {
                let problem = Problem(kind: .skippedBytes, streamOffset: offset, length: seekFrom - buffer.readerIndex)
                consume(seekFrom - buffer.readerIndex)
                return .problem(problem)
            }
        }
        return nil
    }

    private mutating func consume(_ count: Int) {
        buffer.moveReaderIndex(forwardBy: count)
        offset &+= Int64(count)
        seekFrom = buffer.readerIndex
    }
}
