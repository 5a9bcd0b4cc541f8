public import HarkCore
public import NIOCore

/// A lenient, incremental HTTP/2 analyzer for one cleartext connection (prior knowledge, or after an
/// `Upgrade: h2c`).
///
/// Feed it both directions' reassembled bytes in capture order; it parses frames (every type; unknown
/// ones skipped and counted), decodes header blocks with one NIOHPACK decoder per direction (honouring
/// SETTINGS_HEADER_TABLE_SIZE and table size updates), and assembles each stream into an exchange:
/// request and response heads with pseudo-headers apart, bodies (bounded, content-decoded), trailers,
/// 1xx responses, RST_STREAM, GOAWAY, PUSH_PROMISE, and gRPC messages and status. A stream an extended
/// CONNECT (RFC 8441) switched to another protocol is reported at its 2xx and its DATA handed on
/// (`HTTP2Event.streamSwitched`, `streamData`, `streamEnded`).
///
/// A capture that starts mid-connection is handled: frame boundaries are searched for, and header
/// blocks that reference dynamic table entries sent before the capture are kept partial, with what
/// could be decoded (see `HTTP2HeaderBlock.unresolved`).
///
/// A value type owned by one connection, driven synchronously: not thread-safe, no locks. Every buffer
/// is bounded by `HTTP2Limits`.
///
/// ### Example
/// ```swift
/// var analyzer = HTTP2Analyzer()
/// analyzer.receive(clientBytes, from: .clientToServer, at: t0) { events.append($0) }
/// analyzer.receive(serverBytes, from: .serverToClient, at: t1) { events.append($0) }
/// analyzer.finish(.clientToServer, at: t2) { events.append($0) }
/// analyzer.finish(.serverToClient, at: t2) { events.append($0) }
/// ```
public struct HTTP2Analyzer {
    /// How the connection's bytes begin.
    public enum Start: Hashable, Sendable {
        /// At the start: the client sends the connection preface (prior knowledge, or after a 101 to an
        /// `Upgrade: h2c` request), the server its SETTINGS.
        case connectionStart
        /// Somewhere inside the connection: frame boundaries are searched for and the HPACK dynamic
        /// tables are unknown.
        case midConnection
    }

    /// The bounds in force, after clamping.
    public let limits: HTTP2Limits
    /// Whether bodies' content codings (gzip, deflate, br) are undone into `HTTP2Body.decoded`.
    public let decodesContent: Bool
    /// The packet being delivered, read where messages' frames start and end; nil leaves packets 0.
    public var packetClock: PacketClock?
    /// Client side first, then server side.
    var sides: [DirectionState]
    var streams: [UInt32: StreamState] = [:]
    /// The streams opened by a request and charged to `limits.waitingRequests`, oldest first.
    var waitingStreams = WaitingStreams()
    /// The streams opened without a request (by DATA or a response from before the capture) and
    /// charged to `limits.waitingRequests`, oldest first.
    var unrequestedStreams = WaitingStreams()
    /// The lowest and highest client-initiated (odd) and server-initiated (even) stream ids seen.
    var clientStreams: ClosedRange<UInt32>?
    var serverStreams: ClosedRange<UInt32>?
    /// The last GOAWAY of each direction: last stream id and error code.
    var goaways: [Direction: (lastStreamID: UInt32, code: HTTP2ErrorCode)] = [:]

    /// An analyzer for a new connection.
    ///
    /// - Parameters:
    ///   - start: where the bytes begin.
    ///   - limits: bounds on streams, header lists and bodies (`clamped` to workable values).
    ///   - decodesContent: whether to undo content codings; a caller that never reads bodies or decoded
    ///     sizes saves the decompression by passing false.
    public init(start: Start = .connectionStart, limits: HTTP2Limits = .init(), decodesContent: Bool = true) {
        let limits = limits.clamped
        self.limits = limits
        self.decodesContent = decodesContent
        let midConnection = start == .midConnection
        sides = [
            DirectionState(expectingPreface: true, midConnection: midConnection, limits: limits),
            DirectionState(expectingPreface: false, midConnection: midConnection, limits: limits),
        ]
    }

    /// An analyzer for a connection upgraded from HTTP/1.1 with `Upgrade: h2c` (RFC 7540 §3.2): the
    /// upgrade request is stream 1's request, already complete, answered by the server's first
    /// response on stream 1. Bytes start after the `101` (client preface, server SETTINGS).
    ///
    /// - Parameters:
    ///   - request: the upgrade request, as made by `HTTP2Request.upgrade(method:target:headers:…)`.
    ///   - limits: bounds on streams, header lists and bodies.
    ///   - decodesContent: whether to undo content codings.
    public init(upgradedFrom request: HTTP2Request, limits: HTTP2Limits = .init(), decodesContent: Bool = true) {
        self.init(start: .connectionStart, limits: limits, decodesContent: decodesContent)
        var stream = StreamState(id: 1)
        stream.request.head = request.head
        stream.request.body = request.body
        stream.request.firstByteTime = request.firstByteTime
        stream.request.lastByteTime = request.lastByteTime
        stream.request.packets = (request.firstPacket, request.lastPacket)
        stream.request.ended = true
        streams[1] = stream
        clientStreams = 1...1
    }

    /// Frames of unknown or extension types skipped so far, both directions.
    public var unknownFrameCount: Int { sides.reduce(0) { $0 + $1.parser.unknownFrameCount } }

    /// Takes in-order bytes of one direction.
    ///
    /// - Parameters:
    ///   - bytes: the next bytes of `direction`; may share storage with the capture (copied only where
    ///     kept: frames split across segments, header blocks split across frames, body bytes).
    ///   - direction: which way they travel.
    ///   - time: capture time of the segment.
    ///   - emit: receives the events these bytes complete, in order.
    public mutating func receive(
        _ bytes: ByteBuffer,
        from direction: Direction,
        at time: Timestamp,
        emit: (HTTP2Event) -> Void
    ) {
        let side = Int(direction.rawValue)
        guard bytes.readableBytes > 0, !sides[side].finished else { return }
        if sides[side].parser.bufferedByteCount == 0 {
            sides[side].frameStart = time
            sides[side].frameStartPacket = packetClock?.number ?? 0
        }
        sides[side].parser.append(bytes)
        drain(direction, at: time, emit: emit)
    }

    /// Handles every output the direction's parser has ready.
    private mutating func drain(_ direction: Direction, at time: Timestamp, emit: (HTTP2Event) -> Void) {
        let side = Int(direction.rawValue)
        while let output = sides[side].parser.next() {
            let first = sides[side].frameStart
            let packets = (first: sides[side].frameStartPacket, last: packetClock?.number ?? 0)
            sides[side].frameStart = time
            sides[side].frameStartPacket = packets.last
            switch output {
            case .preface: break
            case .problem(let problem): handle(problem, from: direction, at: time, emit: emit)
            case .frame(let frame): handle(frame, from: direction, first: first, last: time, packets: packets, emit: emit)
            }
        }
    }

    /// Notes that `length` bytes of `direction` were lost in capture: a frame cut by it is dropped
    /// (a DATA frame's bytes counted as missing), and header blocks decoded later may be partial.
    public mutating func gap(_ length: Int, in direction: Direction, at time: Timestamp, emit: (HTTP2Event) -> Void) {
        let side = Int(direction.rawValue)
        guard length > 0, !sides[side].finished else { return }
        let offset = sides[side].parser.streamOffset
        if let problem = sides[side].parser.gap(length) {
            handle(problem, from: direction, at: time, emit: emit)
        } else {
            // Whole frames may be gone, header blocks among them.
            sides[side].hpack.loseHistory()
            emit(.diagnostic(HTTP2Diagnostic(.skippedBytes, direction: direction, streamOffset: offset, time: time,
                detail: "\(length) bytes lost in capture")))
        }
        if sides[side].pending != nil {
            sides[side].pending = nil
            sides[side].hpack.loseHistory()
        }
    }

    /// Ends one direction (FIN, RST, or the end of the capture). Once both have ended, every stream
    /// still open is emitted, in stream order, flagged incomplete.
    public mutating func finish(_ direction: Direction, at time: Timestamp, emit: (HTTP2Event) -> Void) {
        let side = Int(direction.rawValue)
        guard !sides[side].finished else { return }
        sides[side].parser.endOfInput()
        drain(direction, at: time, emit: emit)
        sides[side].finished = true
        sides[side].pending = nil
        if let problem = sides[side].parser.finish() { handle(problem, from: direction, at: time, emit: emit) }
        guard sides.allSatisfy(\.finished) else { return }
        for id in streams.keys.sorted() {
            emitStream(id, reason: .connectionEnded, at: time, emit: emit)
        }
    }
}

/// Per-direction parsing state.
struct DirectionState {
    var parser: HTTP2FrameParser
    var hpack: HeaderBlockDecoder
    /// A header block waiting for CONTINUATION frames.
    var pending: PendingHeaderBlock?
    /// Capture time of the segment holding the first byte of the frame being parsed, and its packet.
    var frameStart = Timestamp(nanoseconds: 0)
    var frameStartPacket = 0
    var finished = false

    init(expectingPreface: Bool, midConnection: Bool, limits: HTTP2Limits) {
        parser = HTTP2FrameParser(expectingPreface: expectingPreface, midConnection: midConnection)
        hpack = HeaderBlockDecoder(historyKnown: !midConnection, limits: limits)
    }
}

/// A HEADERS or PUSH_PROMISE block whose END_HEADERS has not come yet.
struct PendingHeaderBlock {
    var streamID: UInt32
    var promisedStreamID: UInt32?
    var endStream: Bool
    /// The fragments so far, in hark's own storage.
    var fragments: ByteBuffer
    var firstByteTime: Timestamp
    var firstPacket: Int
}
