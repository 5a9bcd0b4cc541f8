import HarkContentCoding
import HarkCore
import NIOCore

/// A request between its `BEGIN_REQUEST` and its end: what its records brought so far.
final class OpenRequest {
    var exchange: FastCGIExchange
    /// Stream offset of its `BEGIN_REQUEST`, for diagnostics.
    let beginOffset: Int64
    /// The `PARAMS` stream so far (up to `maxParamsBytes`), and whether its empty record came.
    private var paramsBytes = ByteBuffer()
    private var paramsClosed = false
    private var paramsDropped = 0
    /// `STDOUT` before the end of the CGI head, while it has not come.
    private var head = ByteBuffer()
    private var headDone = false
    /// Why the `PARAMS` pairs could not all be read.
    private(set) var paramsError: FastCGINameValuePairs.Error?
    /// `PARAMS` bytes dropped because the open requests held too much already, and the bound that
    /// was full the first time.
    private var paramsDroppedForRoom = 0
    private var paramsCutBy: HeldRoom.Bound?
    /// The bound that was full when stderr text stopped being kept, if it did.
    private var stderrCutBy: HeldRoom.Bound?
    /// Whether response bodies' content codings are undone.
    private let decodesContent: Bool
    /// Undoes the response body's content codings as it arrives; made when the head names one.
    private var decoder: BodyDecoder?

    /// What the request holds of the session's waiting request budget, given back when it goes.
    let charge: ByteBudget.Claim?
    /// The part of `heldBytes` charged to the same budget (`chargeHeldBytes()`), given back when the
    /// request goes.
    private var chargedHeldBytes = 0

    /// What an open request is charged to `FastCGILimits.waitingRequests` besides the bytes it holds:
    /// an estimate of this object, its exchange and buffers.
    static let cost = 2048

    /// Bytes this request holds in memory (its bodies are in `BodyStorage` and not counted).
    var heldBytes: Int { paramsBytes.readableBytes + head.readableBytes + exchange.stderr.utf8.count }

    deinit {
        charge?.budget.release(chargedHeldBytes)
    }

    /// Brings what the session's budget is charged for this request's held bytes up to date: called
    /// after each record the request took, while it is open.
    func chargeHeldBytes() {
        guard let budget = charge?.budget else { return }
        let held = heldBytes
        budget.adjust(by: held - chargedHeldBytes)
        chargedHeldBytes = held
    }

    init(
        id: UInt16, role: FastCGIRole, keepsConnection: Bool, offset: Int64, at time: Timestamp, decodesContent: Bool,
        charge: ByteBudget.Claim?
    ) {
        beginOffset = offset
        self.charge = charge
        self.decodesContent = decodesContent
        exchange = FastCGIExchange(
            requestID: id,
            role: role,
            keepsConnection: keepsConnection,
            request: CGIRequest(variables: []),
            paramsLength: 0,
            requestStart: time,
            requestEnd: time
        )
    }

    /// - Parameter room: bytes the open requests may still hold.
    func params(_ content: ByteBuffer, wireBytes: Int, at time: Timestamp, limits: FastCGILimits, room: HeldRoom) {
        exchange.requestEnd = time
        guard content.readableBytes > 0 else {
            paramsClosed = true
            return
        }
        exchange.paramsLength += content.readableBytes
        let requestRoom = max(0, limits.maxParamsBytes - paramsBytes.readableBytes)
        let kept = min(requestRoom, room.bytes, content.readableBytes)
        paramsBytes.writeImmutableBuffer(content.getSlice(at: content.readerIndex, length: kept) ?? ByteBuffer())
        let dropped = content.readableBytes - kept
        guard dropped > 0 else { return }
        if requestRoom < content.readableBytes {
            paramsDropped += dropped
        } else {
            paramsDroppedForRoom += dropped
            if paramsCutBy == nil { paramsCutBy = room.bound }
        }
    }

    func stdin(_ content: ByteBuffer, wireBytes: Int, at time: Timestamp, limits: FastCGILimits) {
        exchange.requestEnd = time
        Self.append(content, wireBytes: wireBytes, to: &exchange.stdin, limits: limits)
    }

    func abort(at time: Timestamp) {
        exchange.requestEnd = time
        exchange.isAborted = true
    }

    /// - Parameter room: bytes the open requests may still hold.
    func stdout(_ content: ByteBuffer, wireBytes: Int, at time: Timestamp, limits: FastCGILimits, room: HeldRoom) {
        noteResponse(at: time)
        guard !headDone, content.readableBytes > 0 else {
            appendOutput(content, wireBytes: wireBytes, limits: limits)
            return
        }
        exchange.stdout.wireBytes += wireBytes - content.readableBytes
        head.writeImmutableBuffer(content)
        if let end = CGIResponseHead.end(in: head), let headBytes = head.readSlice(length: end) {
            let responseHead = CGIResponseHead(headBytes)
            exchange.responseHead = responseHead
            headDone = true
            startDecoding(responseHead, limits: limits)
            let rest = head
            head = ByteBuffer()
            appendOutput(rest, wireBytes: rest.readableBytes, limits: limits)
        } else if head.readableBytes > limits.maxHeadBytes || content.readableBytes > room.bytes {
            let bound = head.readableBytes > limits.maxHeadBytes
                ? "within \(limits.maxHeadBytes) bytes"
                : "before memory ran out (\(room.bound.alreadyHeld))"
            exchange.problems.append("no end of the CGI response head \(bound): the output is taken as the body")
            headDone = true
            let all = head
            head = ByteBuffer()
            Self.append(all, wireBytes: all.readableBytes, to: &exchange.stdout, limits: limits)
        }
    }

    /// - Parameter room: bytes the open requests may still hold.
    func stderr(_ content: ByteBuffer, at time: Timestamp, limits: FastCGILimits, room: HeldRoom) {
        noteResponse(at: time)
        exchange.stderrLength += content.readableBytes
        let requestRoom = max(0, limits.maxStderrBytes - exchange.stderr.utf8.count)
        if room.bytes < min(requestRoom, content.readableBytes), stderrCutBy == nil { stderrCutBy = room.bound }
        let keptBytes = min(requestRoom, room.bytes, content.readableBytes)
        guard keptBytes > 0, let kept = content.getSlice(at: content.readerIndex, length: keptBytes) else { return }
        exchange.stderr += String(decoding: kept.readableBytesView, as: UTF8.self)
    }

    func end(_ content: ByteBuffer, at time: Timestamp) {
        noteResponse(at: time)
        // END_REQUEST ends the output too: PHP-FPM sends no empty STDOUT record before it.
        exchange.stdout.isComplete = true
        exchange.appStatus = content.getInteger(at: content.readerIndex, as: UInt32.self)
        exchange.protocolStatus = content.getInteger(at: content.readerIndex + 4, as: UInt8.self).map(FastCGIProtocolStatus.init)
    }

    /// The exchange as it stands: parameters parsed, an unfinished head given up as body.
    func finish(limits: FastCGILimits) -> FastCGIExchange {
        let parsed = FastCGINameValuePairs.parse(paramsBytes)
        exchange.request = CGIRequest(variables: parsed.pairs)
        if parsed.error != nil, paramsDropped == 0, paramsDroppedForRoom == 0 {
            paramsError = parsed.error
            exchange.problems.append("PARAMS cannot all be read: \(parsed.pairs.count) variables before a length past their end")
        }
        if paramsDropped > 0 {
            exchange.problems.append("PARAMS longer than \(limits.maxParamsBytes) bytes: \(paramsDropped) bytes dropped")
        }
        if paramsDroppedForRoom > 0, let bound = paramsCutBy {
            exchange.problems.append("\(paramsDroppedForRoom) PARAMS bytes dropped: \(bound.alreadyHeld)")
        }
        if let bound = stderrCutBy {
            exchange.problems.append("stderr text cut: \(bound.alreadyHeld)")
        }
        if !paramsClosed { exchange.problems.append("PARAMS not closed by an empty record") }
        if !exchange.stdin.isComplete { exchange.problems.append("STDIN not closed by an empty record") }
        if !headDone, head.readableBytes > 0 {
            exchange.problems.append("CGI response head without its blank line: the output is taken as the body")
            let all = head
            head = ByteBuffer()
            Self.append(all, wireBytes: all.readableBytes, to: &exchange.stdout, limits: limits)
        }
        if let decoder {
            let result = decoder.finish()
            self.decoder = nil
            exchange.stdout.decoded = result.bytes
            exchange.stdout.decodedLength = result.length
            exchange.stdout.decodingError = result.error.map { "\($0)" }
        }
        if exchange.isAborted { exchange.problems.append("the web server aborted the request (ABORT_REQUEST)") }
        if let status = exchange.protocolStatus, status != .requestComplete {
            exchange.problems.append("the application refused the request: \(status)")
        }
        return exchange
    }

    /// Makes the decoder for a response head that names content codings (as for an HTTP body).
    private func startDecoding(_ head: CGIResponseHead, limits: FastCGILimits) {
        let codings = ContentCoding.list(fromFieldValues: head.headers.values(for: "Content-Encoding"))
        guard codings.contains(where: { $0 != .identity }) else { return }
        exchange.stdout.contentCodings = codings.map(\.rawValue)
        guard decodesContent else { return }
        decoder = BodyDecoder(
            codings: codings, maxOutputBytes: limits.maxDecodedBodyBytes, keepLimit: limits.maxBodyBytes, storage: limits.bodyStorage
        )
    }

    /// Response body bytes after the head: kept, and decoded when the head named codings.
    private func appendOutput(_ content: ByteBuffer, wireBytes: Int, limits: FastCGILimits) {
        if content.readableBytes > 0 { decoder?.decode(content) }
        Self.append(content, wireBytes: wireBytes, to: &exchange.stdout, limits: limits)
    }

    private func noteResponse(at time: Timestamp) {
        if exchange.responseStart == nil { exchange.responseStart = time }
        exchange.responseEnd = time
    }

    /// Adds a record's content to a stream: an empty record closes it.
    private static func append(_ content: ByteBuffer, wireBytes: Int, to body: inout FastCGIExchange.Body, limits: FastCGILimits) {
        body.wireBytes += wireBytes
        guard content.readableBytes > 0 else {
            body.isComplete = true
            return
        }
        body.length += content.readableBytes
        let room = max(0, limits.maxBodyBytes - body.bytes.count)
        guard room > 0 else { return }
        let kept = content.readableBytes <= room ? content : (content.getSlice(at: content.readerIndex, length: room) ?? ByteBuffer())
        body.bytes.append(kept, limits: limits.bodyStorage)
    }
}
