public import HarkCore
public import NIOCore

/// A lenient, incremental HTTP/1.0 and HTTP/1.1 analyzer for one TCP connection.
///
/// Feed it both directions' reassembled bytes in capture order; it reports exchanges (a request with
/// its interim and final responses), anomalies, and the hand-off when the connection leaves HTTP/1.
///
/// Why a parser of our own rather than NIOHTTP1 (llhttp): a sniffer must report what was sent, not
/// only what a conforming peer would accept. llhttp rejects malformed and mid-stream traffic outright,
/// hides the wire facts a sniffer reports (chunk framing, head sizes, trailers as sent), runs only inside
/// a channel, and its response decoder must be told each request first, which fails when a capture
/// starts mid-connection. Like Wireshark's and Zeek's, this parser is lenient (obs-fold, bare LF, space
/// before the colon, missing reason phrase, lower-case `http/1.1`), resynchronises on garbage at the
/// next plausible request or status line, accounts for capture gaps, and gives the same events however
/// the bytes are segmented.
///
/// Semantics follow RFC 9112: Content-Length, chunked (extensions ignored, trailers kept) and
/// close-delimited bodies; no body for HEAD responses, 1xx, 204 and 304; interim responses attached to
/// their exchange; pipelined requests answered in order; `101 Switching Protocols` and a 2xx to
/// `CONNECT` turn the rest of the connection into tunnel data (including bytes that followed the
/// switching response in the same segment); server bytes that are not a status line at the start of
/// the connection are taken as an HTTP/0.9 response.
///
/// The analyzer is a value type owned by one connection, driven synchronously: not thread-safe, no
/// locks. Every buffer is bounded by `HTTP1Limits`.
///
/// ### Example
/// ```swift
/// var analyzer = HTTP1Analyzer()
/// analyzer.receive(requestBytes, from: .clientToServer, at: t0) { event in events.append(event) }
/// analyzer.receive(responseBytes, from: .serverToClient, at: t1) { events.append($0) }
/// analyzer.finish(.clientToServer, at: t2) { events.append($0) }
/// analyzer.finish(.serverToClient, at: t2) { events.append($0) }
/// // events: [.exchange(HTTP1Exchange(request: GET /, response: 200 OK, …))]
/// ```
public struct HTTP1Analyzer {
    /// The bounds in force, after clamping.
    public let limits: HTTP1Limits
    /// Whether bodies' content codings (gzip, deflate, br) are undone into `HTTP1Body.decoded`.
    public let decodesContent: Bool
    /// The packet being delivered, read where messages start and end (`HTTP1WireSpan` packets).
    let packetClock: PacketClock?
    var client: MessageReader
    var server: MessageReader
    /// Requests not yet emitted, oldest first (a handful at most: pipelining depth).
    var exchanges: [PendingExchange] = []
    /// The request being read.
    var request: MessageBuilder?
    /// The response being read.
    var response: ResponseInProgress?
    var nextExchangeIndex = 0
    var held = HeldClientInput()
    var serverFinished = false
    /// Whether a response was ever paired while a later request was already waiting.
    var sawPipelining = false
    /// Whether a server-side gap hit a message boundary since the last response head, so that
    /// whole responses may be missing.
    var serverLostMessageStart = false

    /// An analyzer for a new connection.
    ///
    /// - Parameters:
    ///   - limits: bounds on heads, bodies and pipelining (`clamped` to workable values).
    ///   - decodesContent: whether to undo content codings (as body bytes arrive); a caller that reads
    ///     neither bodies nor decoded sizes saves the decompression by passing false
    ///     (`HTTP1Body.decoded`, `decodedLength` and `decodingError` then stay nil).
    ///   - packetClock: the number of the packet whose bytes are delivered, set by the caller, so that
    ///     spans name their first and last packets; nil leaves them 0.
    public init(limits: HTTP1Limits = .init(), decodesContent: Bool = true, packetClock: PacketClock? = nil) {
        self.limits = limits.clamped
        self.decodesContent = decodesContent
        self.packetClock = packetClock
        self.client = MessageReader(isRequest: true, limits: self.limits)
        self.server = MessageReader(isRequest: false, limits: self.limits)
        client.clock = packetClock
        server.clock = packetClock
    }

    /// The packet being delivered; 0 without a clock.
    var currentPacket: Int { packetClock?.number ?? 0 }

    /// Takes in-order bytes of one direction.
    ///
    /// - Parameters:
    ///   - bytes: the next bytes of `direction`; may share storage with the capture (copied only where
    ///     kept: heads split across segments and body bytes).
    ///   - direction: which way they travel.
    ///   - time: capture time of the segment.
    ///   - emit: receives the events these bytes complete, in order.
    public mutating func receive(
        _ bytes: ByteBuffer,
        from direction: Direction,
        at time: Timestamp,
        emit: (HTTP1Event) -> Void
    ) {
        makeExchangesUnique()
        deliver(bytes, from: direction, at: time, emit: emit)
    }

    /// Notes that `length` bytes of `direction` were lost in capture: the message they belong to is
    /// marked incomplete, or dropped if they hit its head, and parsing resynchronises.
    public mutating func gap(_ length: Int, in direction: Direction, at time: Timestamp, emit: (HTTP1Event) -> Void) {
        makeExchangesUnique()
        deliverGap(length, in: direction, at: time, emit: emit)
    }

    /// Ends one direction (FIN, RST, or the end of the capture): close-delimited bodies complete, cut
    /// messages are flagged, and once the server is done every unanswered request is emitted.
    ///
    /// Call it for both directions at the end of a capture, or unanswered requests stay pending.
    public mutating func finish(_ direction: Direction, at time: Timestamp, emit: (HTTP1Event) -> Void) {
        makeExchangesUnique()
        deliverFinish(direction, at: time, emit: emit)
    }

    /// `receive` without the uniqueness check, also used to replay held client input.
    mutating func deliver(
        _ bytes: ByteBuffer,
        from direction: Direction,
        at time: Timestamp,
        emit: (HTTP1Event) -> Void
    ) {
        guard bytes.readableBytes > 0 else { return }
        switch direction {
        case .clientToServer:
            guard !held.isActive else {
                hold(.bytes(Self.ownedCopy(of: bytes), time, currentPacket), byteCount: bytes.readableBytes, at: time, emit: emit)
                return
            }
            readClient(bytes, at: time, emit: emit)
        case .serverToClient:
            readServer(bytes, at: time, emit: emit)
        }
    }

    /// `gap` without the uniqueness check.
    mutating func deliverGap(_ length: Int, in direction: Direction, at time: Timestamp, emit: (HTTP1Event) -> Void) {
        guard length > 0 else { return }
        if direction == .clientToServer, held.isActive {
            hold(.gap(length, time), byteCount: 0, at: time, emit: emit)
            return
        }
        let interruption =
            direction == .clientToServer ? client.gap(length) : server.gap(length)
        if interruption.inTunnel { emit(.tunnelGap(direction, length, time)) }
        handle(interruption, direction: direction, at: time, emit: emit)
        if direction == .serverToClient, server.isBetweenMessages { serverLostMessageStart = true }
    }

    /// `finish` without the uniqueness check.
    mutating func deliverFinish(_ direction: Direction, at time: Timestamp, emit: (HTTP1Event) -> Void) {
        if direction == .clientToServer, held.isActive {
            hold(.finish(time), byteCount: 0, at: time, emit: emit)
            return
        }
        let interruption = direction == .clientToServer ? client.finish() : server.finish()
        if interruption.inTunnel { emit(.tunnelClosed(direction, time)) }
        handle(interruption, direction: direction, at: time, emit: emit)
        guard direction == .serverToClient, !serverFinished else { return }
        serverFinished = true
        for pending in exchanges where pending.awaitsResponse {
            pending.noResponse = .connectionEnded
        }
        // No answer can come now to a held Upgrade/CONNECT request: its followers are plain HTTP.
        releaseHeld(emit: emit)
        flush(emit: emit)
    }

    /// Reports what a gap or an end did to the current message.
    private mutating func handle(
        _ interruption: Interruption,
        direction: Direction,
        at time: Timestamp,
        emit: (HTTP1Event) -> Void
    ) {
        if let (kind, offset, length) = interruption.diagnostic {
            var diagnostic = HTTP1Diagnostic(kind, direction: direction, streamOffset: offset, length: length, time: time, detail: interruption.detail)
            diagnostic.packet = interruption.diagnosticPacket
            emit(.diagnostic(diagnostic))
        }
        if let (head, size, lastByteTime) = interruption.cutHead {
            if direction == .clientToServer {
                beginRequest(head, size: size, isComplete: false, at: lastByteTime, emit: emit)
            } else {
                beginResponse(head, size: size, isComplete: false, at: lastByteTime, emit: emit)
            }
        }
        guard let end = interruption.bodyEnd else { return }
        if direction == .clientToServer {
            finishRequest(end, at: time, emit: emit)
        } else {
            finishResponse(end, at: time, emit: emit)
        }
    }

    /// Clones exchanges shared with a copy of this analyzer, so that copies stay independent values.
    private mutating func makeExchangesUnique() {
        for position in exchanges.indices where !isKnownUniquelyReferenced(&exchanges[position]) {
            exchanges[position] = exchanges[position].copy()
        }
    }

    /// Emits, in request order, every exchange that is complete.
    mutating func flush(emit: (HTTP1Event) -> Void) {
        while exchanges.first?.isDone == true {
            exchanges.removeFirst().emitExchange(emit)
        }
    }

    /// Converts a parse problem into a diagnostic event.
    /// Reports each problem the head parser found, at its offset in the direction's stream.
    static func reportProblems(
        of head: ParsedHead,
        in direction: Direction,
        startingAt start: Int64,
        at time: Timestamp,
        emit: (HTTP1Event) -> Void
    ) {
        for problem in head.problems {
            emit(
                diagnostic(
                    problem.kind, direction, offset: start &+ Int64(problem.offset), length: problem.length,
                    detail: problem.detail, time: time
                )
            )
        }
    }

    static func diagnostic(
        _ kind: HTTP1Diagnostic.Kind,
        _ direction: Direction,
        offset: Int64,
        length: Int,
        detail: String?,
        time: Timestamp
    ) -> HTTP1Event {
        .diagnostic(
            HTTP1Diagnostic(
                kind,
                direction: direction,
                streamOffset: offset,
                length: length,
                time: time,
                detail: detail
            )
        )
    }

    /// A copy of `bytes` in hark's own storage, for bytes kept beyond the current call.
    static func ownedCopy(of bytes: ByteBuffer) -> ByteBuffer {
        var copy = ByteBufferAllocator().buffer(capacity: bytes.readableBytes)
        copy.writeImmutableBuffer(bytes)
        return copy
    }
}
