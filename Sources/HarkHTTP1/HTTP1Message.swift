public import HarkCore
/// A request as captured: request line, header section and body.
public struct HTTP1Request: Hashable, Sendable {
    /// The method token.
    public var method: HTTPMethod
    /// The request target, as sent (origin form `/a?b`, absolute form, authority form for CONNECT, `*`).
    public var target: String
    /// The protocol version literal as sent (`HTTP/1.1`, `http/1.0`).
    public var version: String
    /// The parsed version, nil when the literal is malformed.
    public var versionNumber: HTTPVersion?
    /// The header section.
    public var headers: HTTPFields
    /// Bytes from the first byte of the request line to the end of the blank line after the headers
    /// (to the cut, when the head is incomplete).
    public var headSize: Int
    /// False when a capture gap or the end of the stream cut the head after its request line: `headers`
    /// holds the fields captured before the cut, and the body is unknown (empty, incomplete).
    public var isHeadComplete: Bool
    /// The body.
    public var body: HTTP1Body
    /// Offsets and times.
    public var span: HTTP1WireSpan

    /// A request from its parts.
    public init(
        method: HTTPMethod,
        target: String,
        version: String,
        versionNumber: HTTPVersion?,
        headers: HTTPFields,
        headSize: Int,
        isHeadComplete: Bool = true,
        body: HTTP1Body,
        span: HTTP1WireSpan
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.versionNumber = versionNumber
        self.headers = headers
        self.headSize = headSize
        self.isHeadComplete = isHeadComplete
        self.body = body
        self.span = span
    }

    /// Whether the client intends to keep the connection open (RFC 9112 §9.3): HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var isPersistent: Bool { persistence(version: versionNumber, headers: headers) }
}

/// A response as captured: status line, header section and body.
public struct HTTP1Response: Hashable, Sendable {
    /// The status code; `.absent` for an HTTP/0.9 response.
    public var status: HTTPStatusCode
    /// The reason phrase, possibly empty.
    public var reason: String
    /// The protocol version literal as sent; `HTTP/0.9` for a response without a status line.
    public var version: String
    /// The parsed version, nil when the literal is malformed.
    public var versionNumber: HTTPVersion?
    /// The header section.
    public var headers: HTTPFields
    /// Bytes from the first byte of the status line to the end of the blank line after the headers
    /// (to the cut, when the head is incomplete).
    public var headSize: Int
    /// False when a capture gap or the end of the stream cut the head after its status line: `headers`
    /// holds the fields captured before the cut, and the body is unknown (empty, incomplete).
    public var isHeadComplete: Bool
    /// The body.
    public var body: HTTP1Body
    /// Offsets and times.
    public var span: HTTP1WireSpan

    /// A response from its parts.
    public init(
        status: HTTPStatusCode,
        reason: String,
        version: String,
        versionNumber: HTTPVersion?,
        headers: HTTPFields,
        headSize: Int,
        isHeadComplete: Bool = true,
        body: HTTP1Body,
        span: HTTP1WireSpan
    ) {
        self.status = status
        self.reason = reason
        self.version = version
        self.versionNumber = versionNumber
        self.headers = headers
        self.headSize = headSize
        self.isHeadComplete = isHeadComplete
        self.body = body
        self.span = span
    }

    /// Whether this is an HTTP/0.9 response: no status line, no headers, body until close.
    public var isHTTP09: Bool { status == .absent }

    /// Whether the server intends to keep the connection open (RFC 9112 §9.3), by the same rule as
    /// `HTTP1Request.isPersistent`; a close-delimited body always ends the connection.
    public var isPersistent: Bool {
        body.framing != .closeDelimited && persistence(version: versionNumber, headers: headers)
    }
}

/// RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
private func persistence(version: HTTPVersion?, headers: HTTPFields) -> Bool {
    if headers.containsToken("close", in: "Connection") { return false }
    guard let version, version >= .http1_1 else { return headers.containsToken("keep-alive", in: "Connection") }
    return true
}
