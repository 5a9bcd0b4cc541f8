public import HarkCore
public import HarkQUIC

/// Reads HTTP/3 (RFC 9114) from a QUIC connection's streams: control streams (SETTINGS, GOAWAY,
/// CANCEL_PUSH), the QPACK encoder streams (RFC 9204) that build each side's dynamic table, request
/// streams, whose HEADERS and DATA become exchanges, and server pushes (PUSH_PROMISE and push streams),
/// which become exchanges too. A field section that needs inserts not yet seen waits for them
/// (a bounded number of sections, a bounded number of bytes behind each).
///
/// Input is in-order stream data, as `QUICConnectionAnalyzer` delivers it; nothing traps on bad input:
/// problems become diagnostics or exchange issues.
///
/// ### Example
/// ```swift
/// var http3 = HTTP3Analyzer(limits: HTTP3Limits(), decodesContent: true)
/// http3.receive(streamID: 0, direction: .clientToServer, bytes: bytes, at: time) { event in handle(event) }
/// http3.finishConnection(at: time) { event in handle(event) }
/// ```
public struct HTTP3Analyzer {
    let limits: HTTP3Limits
    let decodesContent: Bool
    /// Each side's QPACK encoder stream, by the index of the side that sends it (0: the client's).
    var encoders: [QPACKEncoderStream]
    /// The table capacity each side's decoder allows (its SETTINGS), by the index of the encoding side.
    var allowedCapacity: [Int?] = [nil, nil]
    /// Unidirectional streams by (stream ID): their type once read, and a frame reader for control streams.
    var unidirectional: [UInt64: UnidirectionalStream] = [:]
    /// Open request streams, and push streams whose push ID was read.
    var requests: [UInt64: HTTP3RequestState] = [:] {
        didSet { lastRequest = nil }
    }
    /// The request stream the previous stream data was for: most stream data follows more of the same
    /// stream, found again without a lookup.
    var lastRequest: (id: UInt64, state: HTTP3RequestState)?
    /// Server pushes by push ID, from their PUSH_PROMISE or push stream until they are emitted.
    var pushes: [UInt64: HTTP3RequestState] = [:]
    var huffman = QPACKHuffman()
    /// The session's budget for what QUIC connections hold while they wait (here: frames held behind
    /// field sections blocked on QPACK inserts); nil for none beyond `limits`.
    public var bufferBudget: ByteBudget?
    /// The bytes this connection's blocked sections hold against `bufferBudget`.
    var heldInBudget = 0
    /// The number of the capture packet whose stream bytes are being read, set by the caller: messages
    /// note the packets of their first and last bytes.
    public var packetClock: PacketClock?
    /// Problems already reported, so that each is said once per connection.
    var reported = Set<String>()

    public init(limits: HTTP3Limits = HTTP3Limits(), decodesContent: Bool = true) {
        self.limits = limits
        self.decodesContent = decodesContent
        let encoder = QPACKEncoderStream(maxCapacity: limits.maxTableCapacity, maxPendingBytes: limits.maxFramePayload)
        encoders = [encoder, encoder]
    }

    /// Whether a stream ID names a request stream (client-initiated bidirectional, RFC 9000 §2.1).
    static func isRequestStream(_ id: UInt64) -> Bool { id & 0x03 == 0 }

    /// Takes the next in-order bytes of a stream.
    public mutating func receive(streamID: UInt64, direction: Direction, bytes: ArraySlice<UInt8>, at time: Timestamp, emit: (HTTP3Event) -> Void) {
        if streamID & 0x02 != 0 {
            receiveUnidirectional(streamID, direction: direction, bytes: bytes, at: time, emit: emit)
        } else if Self.isRequestStream(streamID) {
            receiveRequest(streamID, direction: direction, bytes: bytes, at: time, emit: emit)
        }
    }

    /// Bytes of a stream the capture does not hold.
    public mutating func gap(streamID: UInt64, direction: Direction, length: UInt64, at time: Timestamp, emit: (HTTP3Event) -> Void) {
        if streamID & 0x02 != 0, unidirectional[streamID]?.type == UnidirectionalStream.encoder {
            encoders[direction.sideIndex].lose()
            reportOnce("\(length) bytes of the \(direction.sender)'s QPACK encoder stream lost: headers that use its dynamic table cannot be decoded", isError: false, emit: emit)
            return
        }
        // Request streams, and push streams once their push ID was read.
        guard let state = requests[streamID] else { return }
        state.gap(length, direction: direction)
    }

    /// One side ended a stream (FIN).
    public mutating func finish(streamID: UInt64, direction: Direction, at time: Timestamp, emit: (HTTP3Event) -> Void) {
        guard let state = requests[streamID] else { return }
        state.withSide(direction) { $0.ended = true }
        emitIfDone(streamID, emit: emit)
    }

    /// One side abandoned a stream (RESET_STREAM).
    public mutating func reset(streamID: UInt64, direction: Direction, errorCode: UInt64, at time: Timestamp, emit: (HTTP3Event) -> Void) {
        guard let state = requests[streamID] else { return }
        let name = HTTP3ErrorText.name(errorCode)
        state.issues.append("stream reset by the \(direction.sender) (\(name))")
        state.withSide(direction) { $0.ended = true }
        emitIfDone(streamID, emit: emit)
    }

    /// The connection ended: every open request stream and push stream becomes an exchange, with what it
    /// lacks.
    public mutating func finishConnection(at time: Timestamp, emit: (HTTP3Event) -> Void) {
        for id in requests.keys.sorted() {
            guard let state = requests.removeValue(forKey: id) else { continue }
            if let pushID = state.pushID { pushes[pushID] = nil }
            for direction in [Direction.clientToServer, .serverToClient] where state.blocked(direction) != nil {
                state.issues.append("\(direction.messageName) headers never decoded: the QPACK inserts they need were not captured")
            }
            // A push's request is its PUSH_PROMISE: whole when read (`exchange()` says when it was not).
            if !state.request.ended, state.pushID == nil { state.issues.append("request incomplete: the connection ended first") }
            if !state.response.ended { state.issues.append("response incomplete: the connection ended first") }
            emit(.exchange(state.exchange()))
        }
        reportUnfulfilledPushes(emit: emit)
        hold(-heldInBudget)
    }

    /// Notes bytes held behind blocked sections (`delta` > 0) or released, against the session's budget.
    mutating func hold(_ delta: Int) {
        guard delta != 0 else { return }
        heldInBudget &+= delta
        bufferBudget?.adjust(by: delta)
    }

    /// Whether `count` more bytes may be held behind a blocked section; when the session's budget says
    /// no, that is an eviction, reported once per connection.
    mutating func budgetAllows(_ count: Int, emit: (HTTP3Event) -> Void) -> Bool {
        guard let budget = bufferBudget, !budget.fits(count) else { return true }
        budget.noteGivenUp()
        reportOnce("the session's QUIC buffer budget (\(budget.limit) bytes held while waiting) is used up: sections blocked on QPACK inserts are given up", isError: false, emit: emit)
        return false
    }

    mutating func reportOnce(_ text: String, isError: Bool, emit: (HTTP3Event) -> Void) {
        guard reported.count < 32, reported.insert(text).inserted else { return }
        emit(.diagnostic(text, isError: isError))
    }

    /// Emits a request stream whose both sides ended and whose sections are decoded.
    mutating func emitIfDone(_ id: UInt64, emit: (HTTP3Event) -> Void) {
        guard let state = requests[id], state.request.ended, state.response.ended,
            state.request.blocked == nil, state.response.blocked == nil
        else { return }
        requests[id] = nil
        if let pushID = state.pushID { pushes[pushID] = nil }
        emit(.exchange(state.exchange()))
    }
}

extension Direction {
    /// 0 for the client's side, 1 for the server's.
    var sideIndex: Int { self == .clientToServer ? 0 : 1 }
    /// `client` or `server`: who sends in this direction.
    var sender: String { self == .clientToServer ? "client" : "server" }
    /// `request` or `response`.
    var messageName: String { self == .clientToServer ? "request" : "response" }
}
