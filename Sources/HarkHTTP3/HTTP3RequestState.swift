import HarkCore
import HarkQUIC

/// What the analyzer knows of one request stream until it emits it.
struct HTTP3RequestState {
    let id: UInt64
    var request: HTTP3RequestSide
    var response: HTTP3RequestSide
    var issues: [String] = []

    init(id: UInt64, maxFramePayload: Int) {
        self.id = id
        request = HTTP3RequestSide(maxFramePayload: maxFramePayload)
        response = HTTP3RequestSide(maxFramePayload: maxFramePayload)
    }

    func side(_ direction: Direction) -> HTTP3RequestSide {
        direction == .clientToServer ? request : response
    }

    mutating func withSide<Result>(_ direction: Direction, _ body: (inout HTTP3RequestSide) -> Result) -> Result {
        direction == .clientToServer ? body(&request) : body(&response)
    }

    /// A gap in one side: missing body bytes inside DATA, else the rest of the side is unreadable.
    mutating func gap(_ length: UInt64, direction: Direction) {
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
    mutating func exchange() -> HTTP3Exchange {
        var exchange = HTTP3Exchange(streamID: id)
        exchange.request = request.finishedMessage()
        exchange.response = response.finishedMessage()
        exchange.interimResponses = response.interim
        exchange.issues = issues
        if exchange.request == nil { exchange.issues.append("request headers not captured") }
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
