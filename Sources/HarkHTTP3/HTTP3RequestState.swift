import HarkCore
import HarkQUIC

/// What the analyzer knows of one request stream, or one server push, until it emits it. A class: the
/// analyzer changes it in place, through the one reference its table holds, without copying its sides
/// and buffers.
final class HTTP3RequestState {
    /// The request stream, or the push stream once it was seen.
    var id: UInt64
    /// For a server push (RFC 9114 §4.6): its push ID, and the request stream whose PUSH_PROMISE
    /// carried the request (nil until the promise is read).
    var pushID: UInt64?
    var promisedOn: UInt64?
    // Not checked for exclusive access at run time (every DATA piece goes through them, and the check
    // costs more than the work): they are only changed through `withSide`, one side at a time.
    @exclusivity(unchecked) var request: HTTP3RequestSide
    @exclusivity(unchecked) var response: HTTP3RequestSide
    var issues: [String] = []
    /// What the request holds of the session's waiting request budget, given back when it goes.
    var charge: ByteBudget.Claim?

    /// What a request stream is charged to `HTTP3Limits.waitingRequests`: an estimate of this object,
    /// its two sides and a small field section.
    static let cost = 2048

    init(id: UInt64, maxFramePayload: Int) {
        self.id = id
        request = HTTP3RequestSide(maxFramePayload: maxFramePayload)
        response = HTTP3RequestSide(maxFramePayload: maxFramePayload)
    }

    /// Whether a side lost its framing (the rest of it is not read).
    func framingLost(_ direction: Direction) -> Bool {
        direction == .clientToServer ? request.framingLost : response.framingLost
    }

    /// A side's field section waiting for QPACK inserts, with what came after it.
    func blocked(_ direction: Direction) -> HTTP3RequestSide.Blocked? {
        direction == .clientToServer ? request.blocked : response.blocked
    }

    /// Whether a section is blocked on either side.
    var isBlocked: Bool { request.blocked != nil || response.blocked != nil }

    /// Whether a side's head was decoded.
    func hasMessage(_ direction: Direction) -> Bool {
        direction == .clientToServer ? request.message != nil : response.message != nil
    }

    func withSide<Result>(_ direction: Direction, _ body: (inout HTTP3RequestSide) -> Result) -> Result {
        direction == .clientToServer ? body(&request) : body(&response)
    }

    /// A gap in one side: missing body bytes inside DATA, else the rest of the side is unreadable.
    func gap(_ length: UInt64, direction: Direction) {
        let absorbed = withSide(direction) { side -> Bool in
            guard !side.framingLost else { return true }
            let inData = side.reader.isInData
            guard side.reader.gap(length) else {
                side.framingLost = true
                return false
            }
            if inData { side.message?.body.missingBytes &+= Int(clamping: length) }
            return true
        }
        if !absorbed {
            issues.append("\(length) bytes of the \(direction.messageName) lost in capture where its framing is: the rest of it is not read")
        }
    }

    /// The exchange as it stands.
    func exchange() -> HTTP3Exchange {
        var exchange = HTTP3Exchange(streamID: id)
        exchange.pushID = pushID
        exchange.promisedOn = promisedOn
        exchange.request = request.finishedMessage()
        exchange.response = response.finishedMessage()
        exchange.interimResponses = response.interim
        exchange.issues = issues
        if exchange.request == nil {
            exchange.issues.append(pushID == nil ? "request headers not captured" : "its PUSH_PROMISE was not captured")
        }
        for message in [exchange.request, exchange.response].compactMap({ $0 }) where message.body.missingBytes > 0 {
            exchange.issues.append("\(message.body.missingBytes) body bytes lost in capture")
        }
        return exchange
    }
}

/// Words for an HTTP/3 error code: its name, or its number.
enum HTTP3ErrorText {
    static func name(_ code: UInt64) -> String {
        HTTP3ErrorName.name(code) ?? "0x\(String(code, radix: 16))"
    }
}
