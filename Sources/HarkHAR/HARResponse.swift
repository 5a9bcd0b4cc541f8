public import HarkCore

/// A response (HAR 1.2 `response`).
public struct HARResponse: Hashable, Sendable {
    /// The status code; 0 when no response was seen (with `error` saying why).
    public var status: Int
    /// The reason phrase (empty for HTTP/2).
    public var statusText: String
    /// The protocol version, e.g. `HTTP/1.1` (Chrome writes `http/2.0` for HTTP/2).
    public var httpVersion: String
    /// Cookies set by `Set-Cookie` headers.
    public var cookies: [HARCookie]
    /// The headers in wire order, repeated names kept.
    public var headers: [HARHeader]
    /// The body.
    public var content: HARContent
    /// The `Location` header's value, or empty.
    public var redirectURL: String
    /// Bytes from the start of the response to the blank line after the headers inclusive, or -1.
    public var headersSize: Int
    /// Body bytes as received on the wire (before content decoding), or -1; 0 for a 304.
    public var bodySize: Int
    /// `_transferSize`: all bytes received for this response, headers and framing included. Chrome
    /// writes and reads it on `response`.
    public var transferSize: Int?
    /// `_error`: why the exchange is incomplete (connection reset, capture ended, gap). Chrome writes
    /// it on `response`.
    public var error: String?
    /// `_trailers`: trailer fields after a chunked or HTTP/2 body. Written only when not empty.
    public var trailers: [HARHeader]
    /// Further custom fields, written last.
    public var custom: [HARJSONMember]

    /// A response whose `cookies` come from its `Set-Cookie` headers (`Max-Age` counted from
    /// `receivedAt` when given) and whose `redirectURL` comes from `Location`.
    public init(
        status: Int,
        statusText: String,
        httpVersion: String,
        headers: [HARHeader],
        content: HARContent,
        headersSize: Int = -1,
        bodySize: Int = -1,
        receivedAt: Timestamp? = nil
    ) {
        self.status = status
        self.statusText = statusText
        self.httpVersion = httpVersion
        self.cookies = HARCookie.parse(setCookieHeadersIn: headers, receivedAt: receivedAt)
        self.headers = headers
        self.content = content
        self.redirectURL = HARResponse.redirectURL(from: headers)
        self.headersSize = headersSize
        self.bodySize = bodySize
        self.trailers = []
        self.custom = []
    }

    /// The value of the first `Location` header without surrounding whitespace, or empty: HAR 1.2's
    /// `redirectURL` ("Redirection target URL from the Location response header"), kept as sent.
    public static func redirectURL(from headers: [HARHeader]) -> String {
        for header in headers where header.name.equalsIgnoringASCIICase("location") {
            return header.value.trimmingHTTPWhitespace()
        }
        return ""
    }
}

/// The response body (HAR 1.2 `content`).
public struct HARContent: Hashable, Sendable {
    /// Length of the decoded body in bytes.
    public var size: Int
    /// Bytes saved by content coding (`size` minus the encoded length), when known.
    public var compression: Int?
    /// The `Content-Type` header's value, charset included; HarkHAR writes `x-unknown` when empty,
    /// as Chrome does.
    public var mimeType: String
    /// The decoded body, when kept.
    public var text: HARBody?

    public init(size: Int, compression: Int? = nil, mimeType: String, text: HARBody? = nil) {
        self.size = size
        self.compression = compression
        self.mimeType = mimeType
        self.text = text
    }

    /// Content holding `body`, with `size` its length.
    public init(mimeType: String, body: BodyStorage, compression: Int? = nil) {
        self.init(size: body.count, compression: compression, mimeType: mimeType, text: HARBody(body))
    }
}
