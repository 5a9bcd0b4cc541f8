public import HarkCore
import NIOCore

/// A request as captured, independent of HTTP version.
public struct HTTPRequestRecord: Sendable {
    /// The method token as sent.
    public var method: HTTPMethod
    /// The request target as sent (`/a?b`, an absolute URL, `host:port` for CONNECT, `*`), or HTTP/2's `:path`.
    public var target: String
    /// `http` or `https`.
    public var scheme: String
    /// The authority: HTTP/2's `:authority`, the host of an absolute-form target, or the `Host` header.
    public var authority: Optional<String>  // not `String?`: see `init`
    /// The protocol version as sent (`HTTP/1.1`), or `HTTP/2.0`.
    public var version: String
    /// Header fields in wire order (HTTP/2 pseudo-headers not included).
    public var headers: HTTPFields
    /// Bytes of the request line and header section; nil where HTTP/2 compresses them.
    public var headSize: Int?
    /// The body.
    public var body: HTTPMessageBody
    /// Capture time of the first and last byte of the request.
    public var firstByte: Timestamp
    public var lastByte: Timestamp
    /// The packets holding the first and last byte; nil when not known (a stand-in request).
    public var packets: PacketSpan?

    public init(
        method: HTTPMethod,
        target: String,
        scheme: String,
        authority: String?,
        version: String,
        headers: HTTPFields,
        headSize: Int?,
        body: HTTPMessageBody,
        firstByte: Timestamp,
        lastByte: Timestamp,
        packets: PacketSpan? = nil
    ) {
        self.method = method
        self.target = target
        self.scheme = scheme
        // `authority` is spelled `Optional<…>`, not `…?`: a `var` spelled `T?` starts out nil before
        // the initializer runs, and then this compiler built the record aside and copied it out.
        self.authority = authority
        self.version = version
        self.headers = headers
        self.headSize = headSize
        self.body = body
        self.firstByte = firstByte
        self.lastByte = lastByte
        self.packets = packets
    }

    /// The method of a placeholder request: `-`, which no real request line carries.
    public static let placeholderMethod = HTTPMethod(rawValue: "-")

    /// A stand-in for a request that was not captured (the capture began after it was sent, or only
    /// TLS records were seen): method `-`, target `/`, no headers, at `time`.
    public static func placeholder(
        scheme: String,
        authority: String? = nil,
        version: String,
        at time: Timestamp,
        body: HTTPMessageBody = HTTPMessageBody(),
        lastByte: Timestamp? = nil
    ) -> HTTPRequestRecord {
        HTTPRequestRecord(
            method: placeholderMethod,
            target: "/",
            scheme: scheme,
            authority: authority,
            version: version,
            headers: HTTPFields(),
            headSize: nil,
            body: body,
            firstByte: time,
            lastByte: lastByte ?? time
        )
    }

    /// Whether this is a stand-in for a request that was not captured (see `placeholder`).
    public var isPlaceholder: Bool { method == Self.placeholderMethod }

    /// Whether this is an HTTP/2 (or HTTP/3) extended CONNECT (RFC 8441 §4, RFC 9220): a CONNECT with a
    /// `:path`, which opens a WebSocket (`:protocol`) at that path instead of a tunnel to a host. (An
    /// HTTP/1 CONNECT's target is always a host, even a malformed one such as `/`.)
    public var isExtendedConnect: Bool {
        method == .connect && target.hasPrefix("/") && (version == "HTTP/2.0" || version == "HTTP/3")
    }

    /// The absolute URL a browser would show: the target itself when absolute, else scheme, authority
    /// (or the server address when no authority was sent) and target; a CONNECT's `host:port` target
    /// as it is.
    public func url(server: Endpoint) -> String {
        Self.url(
            method: method, target: target, scheme: scheme, authority: authority,
            isExtendedConnect: isExtendedConnect, server: server
        )
    }

    /// `url(server:)` from a request's parts, for views that keep the parts rather than the record.
    public static func url(
        method: HTTPMethod, target: String, scheme: String, authority: String?, isExtendedConnect: Bool, server: Endpoint
    ) -> String {
        if target.hasPrefix("http://") || target.hasPrefix("https://") { return target }
        if method == .connect, !isExtendedConnect { return target }
        let host = authority.flatMap { $0.isEmpty ? nil : $0 } ?? Self.hostText(server, scheme: scheme)
        let path = target.hasPrefix("/") ? target : (target == "*" ? "" : "/" + target)
        return "\(scheme)://\(host)\(path)"
    }

    /// The host part of the URL (authority without the port), for filters and statistics.
    public func host(server: Endpoint) -> String {
        guard let authority, let first = authority.utf8.first else { return server.address.description }
        // Bytes, not Characters: ASCII delimiters never split a UTF-8 sequence, and a Character walk
        // costs thousands of instructions per exchange.
        let bytes = authority.utf8
        if first == UInt8(ascii: "[") {
            let inside = bytes.dropFirst()
            return String(inside.prefix { $0 != UInt8(ascii: "]") }) ?? ""
        }
        return String(bytes.prefix { $0 != UInt8(ascii: ":") }) ?? ""
    }

    private static func hostText(_ server: Endpoint, scheme: String) -> String {
        let address = server.address.isIPv6 ? "[\(server.address)]" : server.address.description
        let defaultPort: UInt16 = scheme == "https" ? 443 : 80
        return server.port == defaultPort ? address : "\(address):\(server.port)"
    }
}

/// A response as captured, independent of HTTP version.
public struct HTTPResponseRecord: Sendable {
    /// The status code; `.absent` for an HTTP/0.9 reply without a status line.
    public var status: HTTPStatusCode
    /// The reason phrase (empty for HTTP/2).
    public var reason: String
    /// The protocol version as sent, or `HTTP/2.0`.
    public var version: String
    /// Header fields in wire order (pseudo-headers not included).
    public var headers: HTTPFields
    /// Bytes of the status line and header section; nil where HTTP/2 compresses them.
    public var headSize: Int?
    /// The body.
    public var body: HTTPMessageBody
    /// Capture time of the first and last byte of the response.
    public var firstByte: Timestamp
    public var lastByte: Timestamp
    /// The packets holding the first and last byte; nil when not known.
    public var packets: PacketSpan?

    public init(
        status: HTTPStatusCode,
        reason: String,
        version: String,
        headers: HTTPFields,
        headSize: Int?,
        body: HTTPMessageBody,
        firstByte: Timestamp,
        lastByte: Timestamp,
        packets: PacketSpan? = nil
    ) {
        self.status = status
        self.reason = reason
        self.version = version
        self.headers = headers
        self.headSize = headSize
        self.body = body
        self.firstByte = firstByte
        self.lastByte = lastByte
        self.packets = packets
    }
}

/// A message body: what was kept, what the wire carried, and the content-decoded form.
///
/// The bytes are `BodyStorage`: in memory while small, in an unlinked temporary file once large. Read
/// them in chunks (`bytes.chunks()`), or whole with `readAll(limit:)` when a bound is acceptable.
public struct HTTPMessageBody: Sendable {
    /// The body after transfer decoding, up to the body limit; hark's own storage.
    public var bytes: BodyStorage
    /// The body with content codings undone, when there were any and decoding produced something:
    /// all of it, or the part before `decodingError` stopped it.
    public var decoded: Optional<BodyStorage>  // not `BodyStorage?`: see `init`
    /// Bytes the content decoding produced, kept or not; set exactly when `decoded` is.
    public var decodedLength: Int?
    /// Transfer-decoded bytes captured, including any beyond the kept limit.
    public var length: Int
    /// Bytes on the wire for the body, framing included (chunk sizes, HTTP/2 padding).
    public var wireBytes: Int
    /// Bytes that belong to the body but were never captured.
    public var missingBytes: Int
    /// Whether the body's framing reached its end.
    public var isComplete: Bool
    /// `Content-Encoding` codings in the order applied (`gzip`, `br`).
    public var contentCodings: [String]
    /// Why content decoding failed or stopped early.
    public var decodingError: Optional<String>  // not `String?`: see `init`
    /// Trailer fields.
    public var trailers: HTTPFields

    public init(
        bytes: BodyStorage = BodyStorage(),
        decoded: BodyStorage? = nil,
        decodedLength: Int? = nil,
        length: Int = 0,
        wireBytes: Int = 0,
        missingBytes: Int = 0,
        isComplete: Bool = true,
        contentCodings: [String] = [],
        decodingError: String? = nil,
        trailers: HTTPFields = HTTPFields()
    ) {
        self.bytes = bytes
        // Decoding that failed before producing a byte leaves the captured bytes as the content, so
        // that views show what was sent (with the error) rather than nothing.
        let producedNothing = (decodedLength ?? decoded?.count) == 0 && decodingError != nil && length > 0
        // The optionals are spelled `Optional<…>`, not `…?`: a `var` spelled `T?` starts out nil before
        // the initializer runs, and then this compiler built the body aside and copied it out.
        self.decoded = producedNothing ? nil : decoded
        self.decodedLength = producedNothing ? nil : decodedLength ?? decoded?.count
        self.length = length
        self.wireBytes = wireBytes
        self.missingBytes = missingBytes
        self.isComplete = isComplete
        self.contentCodings = contentCodings
        self.decodingError = decodingError
        self.trailers = trailers
    }

    /// What a user wants to see: the decoded body when there is one, else the kept bytes.
    public var content: BodyStorage { decoded ?? bytes }

    /// Whether captured bytes were counted but not kept (over the body limit, or refused by storage).
    public var isTruncated: Bool { bytes.count < length }
}
