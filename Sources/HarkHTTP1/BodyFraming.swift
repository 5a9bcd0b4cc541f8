import HarkCore
/// How the body of a message is delimited on the wire (RFC 9112 §6.3), decided from its head and, for
/// responses, the request it answers.
enum BodyFraming: Equatable {
    /// No body.
    case none
    /// Exactly this many bytes.
    case contentLength(Int)
    /// Chunked transfer coding.
    case chunked
    /// Until the sender closes its direction.
    case untilClose

    /// The public name of the framing.
    var publicFraming: HTTP1Framing {
        switch self {
        case .none: .none
        case .contentLength: .contentLength
        case .chunked: .chunked
        case .untilClose: .closeDelimited
        }
    }

    /// A framing decision and the anomalies that shaped it.
    struct Decision {
        var framing: BodyFraming
        /// Whether the connection leaves HTTP/1 after this response (101, or 2xx to CONNECT).
        var switchesProtocol = false
        var problems: [(kind: HTTP1Diagnostic.Kind, detail: String?)] = []
    }

    /// RFC 9112 §6.3 rules 3–7 for a request: chunked, else Content-Length, else no body.
    static func forRequest(_ head: ParsedHead) -> Decision {
        switch (head.transferEncoding, head.contentLength) {
        case (.chunked, .absent):
            return Decision(framing: .chunked)
        case (.chunked, _):
            return Decision(framing: .chunked, problems: [(.conflictingFraming, nil)])
        case (.other, _):
            // Rule 4: a request whose length cannot be known; servers answer 400 and close.
            return Decision(
                framing: .none,
                problems: [(.unsupportedTransferEncoding, head.headers.first("Transfer-Encoding"))]
            )
        case (.absent, .value(let length)):
            return Decision(framing: length > 0 ? .contentLength(length) : .none)
        case (.absent, .invalid(let text)):
            return Decision(framing: .none, problems: [(.invalidContentLength, text)])
        case (.absent, .absent):
            return Decision(framing: .none)
        }
    }

    /// RFC 9112 §6.3 rules 1–7 for a response to a request with `method` (nil when unknown).
    static func forResponse(_ head: ParsedHead, status: HTTPStatusCode, method: HTTPMethod?) -> Decision {
        // Rule 2: a 2xx to CONNECT switches to a tunnel, whatever the headers say.
        if method == .connect, status.isSuccess {
            return Decision(framing: .none, switchesProtocol: true)
        }
        if status == .switchingProtocols {
            return Decision(framing: .none, switchesProtocol: true)
        }
        // Rule 1: HEAD responses, 1xx, 204 and 304 never have a body.
        if method == .head || status.isInformational || status == .noContent || status == .notModified {
            return Decision(framing: .none)
        }
        switch (head.transferEncoding, head.contentLength) {
        case (.chunked, .absent):
            return Decision(framing: .chunked)
        case (.chunked, _):
            return Decision(framing: .chunked, problems: [(.conflictingFraming, nil)])
        case (.other, _):
            return Decision(framing: .untilClose)
        case (.absent, .value(let length)):
            return Decision(framing: length > 0 ? .contentLength(length) : .none)
        case (.absent, .invalid(let text)):
            return Decision(framing: .untilClose, problems: [(.invalidContentLength, text)])
        case (.absent, .absent):
            return Decision(framing: .untilClose)
        }
    }

    /// Folds one `Content-Length` field value into what earlier fields said (RFC 9110 §8.6): a list of
    /// identical values counts as one; anything else is invalid.
    static func mergeContentLength(_ current: ParsedHead.ContentLength, _ value: String) -> ParsedHead.ContentLength {
        if case .invalid = current { return current }
        // The common case, a plain number, without splitting.
        if let number = parseDecimal(value.utf8[...]) {
            if case .value(let earlier) = current, earlier != number { return .invalid(text: String(value.prefix(64))) }
            return .value(number)
        }
        var result: Int?
        for element in value.split(separator: ",", omittingEmptySubsequences: false) {
            guard let number = parseDecimal(element.trimmingBlanks().utf8), result == nil || result == number else {
                return .invalid(text: String(value.prefix(64)))
            }
            result = number
        }
        guard let result else { return .invalid(text: String(value.prefix(64))) }
        if case .value(let earlier) = current, earlier != result { return .invalid(text: String(value.prefix(64))) }
        return .value(result)
    }

    /// A non-negative decimal of at most 18 digits, or nil.
    private static func parseDecimal(_ digits: some Collection<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for byte in digits {
            guard ASCII.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte &- 0x30)
        }
        return value
    }
}
