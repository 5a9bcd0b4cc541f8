public import HarkCore
public import NIOCore

/// Reads the two directions of a WebSocket connection into messages.
///
/// Starts after an HTTP/1.1 `101` upgrade, with the permessage-deflate settings its response
/// negotiated, or mid-stream when the capture began after the upgrade: then each direction first
/// looks for a frame boundary by shape (`WebSocketFrameShape`), compression is recognised from RSV1,
/// and compressed messages are inflated as far as the capture's own bytes allow (`MessageInflater`).
///
/// A capture gap or a frame header that cannot be one loses a direction's framing; the rest of that
/// direction is counted, not decoded, and the message in progress is reported incomplete.
///
/// ### Example
/// ```swift
/// var analyzer = WebSocketAnalyzer(start: .upgrade(deflate: nil))
/// analyzer.receive(ByteBuffer(bytes: [0x81, 0x02, 0x68, 0x69]), from: .serverToClient, at: time) { event in
///     print(event)  // .message(text "hi", server→client)
/// }
/// ```
public struct WebSocketAnalyzer {
    /// Where the analyzer joins the connection.
    public enum Start: Hashable, Sendable {
        /// Right after the `101` response, with the permessage-deflate it negotiated (nil for none).
        case upgrade(deflate: PerMessageDeflate?)
        /// Somewhere later: frame boundaries and compression are found from the bytes.
        case midStream
    }

    /// The packet being delivered, noted where messages' frames start and end; nil leaves packets 0.
    public var packetClock: PacketClock? {
        didSet {
            for index in sides.indices { sides[index].assembler.clock = packetClock }
        }
    }

    private struct Side {
        var parser: WebSocketFrameParser
        var assembler: MessageAssembler
        /// Bytes not yet parsed (at most a partial header, or while searching for a boundary).
        var pending = ByteBuffer()
        /// Stream offset of `pending`'s first byte.
        var offset: Int64 = 0
        /// Whether a frame boundary is known (false mid-stream until one is found).
        var isSynchronised: Bool
        /// The search for the first boundary while not synchronised.
        var search = WebSocketFrameSearch()
        /// Why the framing was lost; then bytes are only counted.
        var lost: String?
        /// The current frame's FIN.
        var fin = true
    }

    public let limits: WebSocketLimits
    private var sides: [Side]
    /// Bytes searched for a frame boundary before a mid-stream direction gives up.
    public static let searchLimit = 64 << 10

    public init(start: Start, limits: WebSocketLimits = WebSocketLimits()) {
        self.limits = limits
        let deflate: PerMessageDeflate?
        let midStream: Bool
        switch start {
        case .upgrade(let negotiated): (deflate, midStream) = (negotiated, false)
        case .midStream: (deflate, midStream) = (nil, true)
        }
        sides = Direction.allCases.map { direction in
            Side(
                parser: WebSocketFrameParser(maxFrameLength: limits.maxFrameLength),
                assembler: MessageAssembler(direction: direction, limits: limits, deflate: deflate, midStream: midStream),
                isSynchronised: !midStream
            )
        }
    }

    /// Bytes of `direction`, in stream order.
    public mutating func receive(
        _ bytes: ByteBuffer,
        from direction: Direction,
        at time: Timestamp,
        emit: (WebSocketEvent) -> Void
    ) {
        let index = Int(direction.rawValue)
        guard sides[index].lost == nil else { return }
        sides[index].pending.writeImmutableBuffer(bytes)
        if !sides[index].isSynchronised, !synchronise(index, at: time, emit: emit) { return }
        parse(index, at: time, emit: emit)
    }

    /// Bytes of `direction` lost in capture: its framing is lost.
    public mutating func gap(_ length: Int, in direction: Direction, at time: Timestamp, emit: (WebSocketEvent) -> Void) {
        lose(Int(direction.rawValue), reason: "\(length) bytes lost in a capture gap", at: time, emit: emit)
    }

    /// `direction` ended: an unfinished message is reported incomplete.
    ///
    /// - Parameters:
    ///   - cause: what ended it, for the unfinished message's problem (`… before its final frame`):
    ///     the connection, or (over HTTP/2) the stream's END_STREAM or reset.
    public mutating func finish(
        _ direction: Direction,
        at time: Timestamp,
        cause: String = "the connection ended",
        emit: (WebSocketEvent) -> Void
    ) {
        let index = Int(direction.rawValue)
        if !sides[index].isSynchronised, sides[index].lost == nil, sides[index].pending.readableBytes > 0 {
            emit(.diagnostic(WebSocketDiagnostic(
                direction: direction,
                streamOffset: sides[index].offset,
                time: time,
                message: "no WebSocket frame found in this direction's \(sides[index].pending.readableBytes) bytes; they are not decoded",
                isError: true
            )))
        }
        for message in sides[index].assembler.flush(reason: "\(cause) before its final frame") {
            emit(.message(message))
        }
        sides[index].pending = ByteBuffer()
    }

    private mutating func parse(_ index: Int, at time: Timestamp, emit: (WebSocketEvent) -> Void) {
        var side = sides[index]
        sides[index].pending = ByteBuffer()  // one reference to the bytes while parsing
        defer { sides[index] = side }
        let direction = side.assembler.direction
        func report(_ message: String, _ isError: Bool, _ offset: Int64) {
            emit(.diagnostic(WebSocketDiagnostic(direction: direction, streamOffset: offset, time: time, message: message, isError: isError)))
        }
        func loseFraming(_ reason: String, at offset: Int64) {
            side.lost = reason
            report("\(reason); the rest of this direction is not decoded", true, offset)
            for message in side.assembler.flush(reason: "framing lost: \(reason)") { emit(.message(message)) }
            side.pending = ByteBuffer()
        }
        while true {
            let before = side.pending.readerIndex
            let piece: WebSocketFrameParser.Piece?
            do {
                piece = try side.parser.next(from: &side.pending)
            } catch {
                loseFraming("\(error)", at: side.offset)
                return
            }
            guard let piece else { break }
            let offset = side.offset
            side.offset += Int64(side.pending.readerIndex - before)
            switch piece {
            case .header(let header):
                // RFC 6455 §5.2: reserved opcodes are for extensions, and none hark decodes defines
                // any. After a frame whose length lied, the next "header" is payload bytes: a
                // reserved opcode is the likeliest sign, so framing is given up rather than
                // reporting payload bytes as frames.
                guard header.opcode.isDefined else {
                    loseFraming("frame with reserved \(header.opcode) (RFC 6455 §5.2): these bytes are probably not a frame header (did an earlier length lie?)", at: offset)
                    return
                }
                side.fin = header.fin
                for message in side.assembler.begin(header, at: time, report: { report($0, $1, offset) }) {
                    emit(.message(message))
                }
            case .payload(let bytes):
                side.assembler.payload(bytes, report: { report($0, $1, offset) })
            case .end:
                if let message = side.assembler.end(fin: side.fin, at: time, report: { report($0, $1, offset) }) {
                    emit(.message(message))
                }
            }
        }
        side.pending.discardReadBytes()
    }

    /// Looks for the first frame boundary of a mid-stream direction; true once found.
    private mutating func synchronise(_ index: Int, at time: Timestamp, emit: (WebSocketEvent) -> Void) -> Bool {
        let fromClient = index == Int(Direction.clientToServer.rawValue)
        let pending = sides[index].pending
        if let skip = sides[index].search.next(in: pending, fromClient: fromClient, searchLimit: Self.searchLimit) {
            if skip > 0 {
                emit(.diagnostic(WebSocketDiagnostic(
                    direction: sides[index].assembler.direction,
                    streamOffset: sides[index].offset,
                    time: time,
                    message: "\(skip) bytes before the first recognisable frame skipped (the capture began mid-frame)",
                    isError: false
                )))
            }
            sides[index].pending.moveReaderIndex(forwardBy: skip)
            sides[index].offset += Int64(skip)
            sides[index].isSynchronised = true
            sides[index].search = WebSocketFrameSearch()
            return true
        }
        if pending.readableBytes >= Self.searchLimit {
            lose(index, reason: "no WebSocket frame found in the first \(Self.searchLimit) bytes", at: time, emit: emit)
        }
        return false
    }

    private mutating func lose(_ index: Int, reason: String, at time: Timestamp, emit: (WebSocketEvent) -> Void) {
        guard sides[index].lost == nil else { return }
        sides[index].lost = reason
        emit(.diagnostic(WebSocketDiagnostic(
            direction: sides[index].assembler.direction,
            streamOffset: sides[index].offset,
            time: time,
            message: "\(reason); the rest of this direction is not decoded",
            isError: true
        )))
        for message in sides[index].assembler.flush(reason: reason) { emit(.message(message)) }
        sides[index].pending = ByteBuffer()
    }
}
