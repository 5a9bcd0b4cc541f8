public import HarkCore
public import NIOCore

/// Reads the two directions of a FastCGI connection (web server → application and back) into exchanges.
///
/// Records are demultiplexed by request id, so several requests may be open at once, and a connection
/// kept alive (`FCGI_KEEP_CONN`) carries many one after the other. A request's `PARAMS` records are
/// concatenated before their name-value pairs are parsed (a pair may straddle records), then mapped to
/// an HTTP request (`CGIRequest`); `STDIN` is its body. The application's `STDOUT` is a CGI response
/// (`CGIResponseHead`, then the body), `STDERR` is kept as text, and `END_REQUEST` ends the exchange
/// with its application and protocol status.
///
/// A record header that cannot be one (another version, an undefined type) or a capture gap loses the
/// direction's framing: the rest of it is not decoded, and the requests it leaves open are reported
/// incomplete. Memory is bounded by `FastCGILimits`: one record per direction, and per open request
/// its parameters, response head and stderr text within their limits; bodies go to `BodyStorage`.
///
/// ### Example
/// ```swift
/// var analyzer = FastCGIAnalyzer()
/// analyzer.receive(webServerBytes, from: .clientToServer, at: time) { _ in }
/// analyzer.receive(applicationBytes, from: .serverToClient, at: time) { event in
///     if case .exchange(let exchange) = event { print(exchange.request.method, exchange.request.target) }
/// }
/// ```
public struct FastCGIAnalyzer {
    private struct Side {
        /// Bytes of a record not yet complete.
        var pending = ByteBuffer()
        /// Stream offset of `pending`'s first byte.
        var offset: Int64 = 0
        /// Why the framing was lost; then bytes are only counted.
        var lost: String?
    }

    public let limits: FastCGILimits
    /// Whether response bodies' content codings (`Content-Encoding` in the CGI head) are undone.
    public let decodesContent: Bool
    /// The packet being delivered, read when a request's or response's records come; nil leaves the
    /// exchange's packets 0.
    public var packetClock: PacketClock?
    private var sides = [Side(), Side()]
    /// Requests begun and not yet ended, by request id, and their ids in the order begun.
    private var open: [UInt16: OpenRequest] = [:]
    private var openOrder: [UInt16] = []
    /// Bytes the open requests hold in memory together (`OpenRequest.heldBytes`), at most
    /// `limits.maxHeldBytes` (plus one record's worth while it is judged).
    private(set) var heldBytes = 0
    /// Whether reaching `maxHeldBytes` was reported (once per connection).
    private var reportedHeldLimit = false
    /// Whether reaching the session's budget (`waitingRequests`) was reported (once per connection).
    private var reportedSessionLimit = false

    public init(limits: FastCGILimits = FastCGILimits(), decodesContent: Bool = true) {
        self.limits = limits
        self.decodesContent = decodesContent
    }

    /// Bytes of `direction` (`clientToServer`: from the web server), in stream order.
    public mutating func receive(_ bytes: ByteBuffer, from direction: Direction, at time: Timestamp, emit: (FastCGIEvent) -> Void) {
        let index = Int(direction.rawValue)
        guard sides[index].lost == nil else { return }
        sides[index].pending.writeImmutableBuffer(bytes)
        while let record = nextRecord(index, direction: direction, emit: emit) {
            handle(record, from: direction, at: time, emit: emit)
        }
        sides[index].pending.discardReadBytes()
    }

    /// Bytes of `direction` lost in capture: its framing is lost.
    public mutating func gap(_ length: Int, in direction: Direction, at time: Timestamp, emit: (FastCGIEvent) -> Void) {
        lose(direction, reason: "\(length) bytes lost in a capture gap", at: time, emit: emit)
    }

    /// `direction` ended. When the application's side ends, requests still open can no longer end:
    /// they are reported incomplete.
    public mutating func finish(_ direction: Direction, at time: Timestamp, emit: (FastCGIEvent) -> Void) {
        let index = Int(direction.rawValue)
        if sides[index].pending.readableBytes > 0, sides[index].lost == nil {
            report(direction, "the stream ended inside a record (\(sides[index].pending.readableBytes) bytes of it captured)", true, emit)
        }
        sides[index].pending = ByteBuffer()
        if sides[index].lost == nil { sides[index].lost = "the stream ended" }
        if direction == .serverToClient {
            flushOpen(reason: "no END_REQUEST: the application's side of the connection ended first", emit: emit)
        }
    }

    // MARK: - Records

    private struct Record {
        var header: FastCGIRecordHeader
        var content: ByteBuffer
        var offset: Int64
    }

    /// The next whole record of a direction, consumed; nil when none is complete (or the framing is lost).
    private mutating func nextRecord(_ index: Int, direction: Direction, emit: (FastCGIEvent) -> Void) -> Record? {
        guard sides[index].lost == nil, let header = FastCGIRecordHeader.peek(sides[index].pending) else { return nil }
        guard header.version == FastCGIRecordHeader.version1, header.type.isDefined else {
            let found = "a record header with version \(header.version) and type \(header.type.rawValue)"
            lose(direction, reason: "\(found) cannot be FastCGI 1", at: nil, emit: emit)
            return nil
        }
        guard sides[index].pending.readableBytes >= header.recordLength else { return nil }
        let offset = sides[index].offset
        sides[index].pending.moveReaderIndex(forwardBy: FastCGIRecordHeader.length)
        guard let content = sides[index].pending.readSlice(length: Int(header.contentLength)) else { return nil }
        sides[index].pending.moveReaderIndex(forwardBy: Int(header.paddingLength))
        sides[index].offset += Int64(header.recordLength)
        return Record(header: header, content: content, offset: offset)
    }

    private mutating func handle(_ record: Record, from direction: Direction, at time: Timestamp, emit: (FastCGIEvent) -> Void) {
        let header = record.header
        let fromWebServer = direction == .clientToServer
        if header.requestID == 0 { return }  // management records (GET_VALUES and its result, UNKNOWN_TYPE)
        guard header.type.isFromWebServer == fromWebServer else {
            let sender = fromWebServer ? "web server" : "application"
            report(direction, "\(header.type) record from the \(sender) at offset \(record.offset) ignored", false, emit, record.offset)
            return
        }
        let packet = packetClock?.number ?? 0
        if header.type == .beginRequest {
            begin(record, at: time, emit: emit)
            open[header.requestID]?.exchange.requestFirstPacket = packet
            open[header.requestID]?.exchange.requestLastPacket = packet
            return
        }
        guard let request = open[header.requestID] else {
            report(direction, "\(header.type) record for request \(header.requestID), which is not open, ignored", false, emit, record.offset)
            return
        }
        // What the record changes in the request's held bytes counts while it stays open (an ended
        // request's bytes left the count when it closed).
        let heldBefore = request.heldBytes
        defer {
            if open[header.requestID] === request {
                heldBytes += request.heldBytes - heldBefore
                request.chargeHeldBytes()
            }
        }
        let room = heldRoom()
        if header.type == .params, room.bytes < record.content.readableBytes {
            reportFull(room.bound, direction: direction, offset: record.offset, emit: emit)
        }
        switch header.type {
        case .params, .stdin, .data, .abortRequest:
            request.exchange.requestLastPacket = packet
        case .stdout, .stderr, .endRequest:
            if request.exchange.responseFirstPacket == 0 { request.exchange.responseFirstPacket = packet }
            request.exchange.responseLastPacket = packet
        default:
            break
        }
        switch header.type {
        case .params: request.params(record.content, wireBytes: header.recordLength, at: time, limits: limits, room: room)
        case .stdin: request.stdin(record.content, wireBytes: header.recordLength, at: time, limits: limits)
        case .data: request.exchange.requestEnd = time
        case .abortRequest: request.abort(at: time)
        case .stdout: request.stdout(record.content, wireBytes: header.recordLength, at: time, limits: limits, room: room)
        case .stderr: request.stderr(record.content, at: time, limits: limits, room: room)
        case .endRequest:
            if record.content.readableBytes < 5 {
                report(direction, "END_REQUEST of request \(header.requestID) has \(record.content.readableBytes) content bytes, not 8", true, emit, record.offset)
            }
            request.end(record.content, at: time)
            close(header.requestID, reason: nil, emit: emit)
        default: break
        }
    }

    /// What the open requests may still hold: the connection's room, or the session budget's when
    /// that is less.
    private func heldRoom() -> HeldRoom {
        let connection = HeldRoom(bytes: max(0, limits.maxHeldBytes - heldBytes), bound: .connection(limit: limits.maxHeldBytes))
        guard let budget = limits.waitingRequests else { return connection }
        let session = max(0, budget.limit - budget.usedBytes)
        return session < connection.bytes ? HeldRoom(bytes: session, bound: .session(limit: budget.limit)) : connection
    }

    /// Says once per connection and bound that the open requests reached it.
    private mutating func reportFull(_ bound: HeldRoom.Bound, direction: Direction, offset: Int64, emit: (FastCGIEvent) -> Void) {
        let message: String
        switch bound {
        case .connection(let limit):
            guard !reportedHeldLimit else { return }
            reportedHeldLimit = true
            message = "the open requests hold \(heldBytes) bytes (limit \(limit))"
        case .session(let limit):
            guard !reportedSessionLimit else { return }
            reportedSessionLimit = true
            // Not counted as a request given up (`noteGivenUp`): the requests stay, with less of them.
            message = "the session's requests waiting for responses hold \(limits.waitingRequests?.usedBytes ?? 0) bytes (budget \(limit))"
        }
        report(direction, message + ": PARAMS past it are dropped, and response heads and stderr cut, while they stay open", true, emit, offset)
    }

    private mutating func begin(_ record: Record, at time: Timestamp, emit: (FastCGIEvent) -> Void) {
        let id = record.header.requestID
        if open[id] != nil {
            report(.clientToServer, "BEGIN_REQUEST for request \(id), which is still open", true, emit, record.offset)
            close(id, reason: "no END_REQUEST: its request id was begun again", emit: emit)
        }
        if openOrder.count >= max(1, limits.maxOpenRequests), let oldest = openOrder.first {
            close(oldest, reason: "no END_REQUEST: more than \(limits.maxOpenRequests) requests were open at once", emit: emit)
        }
        var charge: ByteBudget.Claim?
        if let budget = limits.waitingRequests {
            if !budget.fits(OpenRequest.cost), let oldest = openOrder.first {
                budget.noteGivenUp()
                close(oldest, reason: "no END_REQUEST: the session held too many requests waiting for responses (memory budget)", emit: emit)
            }
            charge = budget.charge(OpenRequest.cost)
        }
        let role = record.content.getInteger(at: record.content.readerIndex, as: UInt16.self) ?? 0
        let flags = record.content.getInteger(at: record.content.readerIndex + 2, as: UInt8.self) ?? 0
        if record.content.readableBytes < 3 {
            report(.clientToServer, "BEGIN_REQUEST of request \(id) has \(record.content.readableBytes) content bytes, not 8", true, emit, record.offset)
        }
        open[id] = OpenRequest(
            id: id, role: FastCGIRole(rawValue: role), keepsConnection: flags & 1 != 0, offset: record.offset, at: time,
            decodesContent: decodesContent, charge: charge
        )
        openOrder.append(id)
    }

    /// Ends request `id` and reports its exchange; `reason` says why when it ends without `END_REQUEST`.
    private mutating func close(_ id: UInt16, reason: String?, emit: (FastCGIEvent) -> Void) {
        guard let request = open.removeValue(forKey: id) else { return }
        openOrder.removeAll { $0 == id }
        heldBytes -= request.heldBytes
        var exchange = request.finish(limits: limits)
        if let reason { exchange.problems.append(reason) }
        if let error = request.paramsError {
            emit(.diagnostic(FastCGIDiagnostic(direction: .clientToServer, streamOffset: request.beginOffset, message: "request \(id): \(error)", isError: true)))
        }
        emit(.exchange(exchange))
    }

    private mutating func flushOpen(reason: String, emit: (FastCGIEvent) -> Void) {
        for id in openOrder { close(id, reason: reason, emit: emit) }
    }

    private mutating func lose(_ direction: Direction, reason: String, at time: Timestamp?, emit: (FastCGIEvent) -> Void) {
        let index = Int(direction.rawValue)
        guard sides[index].lost == nil else { return }
        sides[index].lost = reason
        report(direction, "\(reason); the rest of this direction is not decoded", true, emit)
        sides[index].pending = ByteBuffer()
        if direction == .serverToClient {
            flushOpen(reason: "no END_REQUEST captured: \(reason) in the application's records", emit: emit)
        } else {
            for request in open.values { request.exchange.problems.append("request records incomplete: \(reason)") }
        }
    }

    private func report(_ direction: Direction, _ message: String, _ isError: Bool, _ emit: (FastCGIEvent) -> Void, _ offset: Int64? = nil) {
        let at = offset ?? sides[Int(direction.rawValue)].offset
        emit(.diagnostic(FastCGIDiagnostic(direction: direction, streamOffset: at, message: message, isError: isError)))
    }
}
