import HarkCore
/// A complete head, parsed once: start line, fields, and the facts that decide body framing.
struct ParsedHead {
    /// The request line or status line, as strings.
    enum Start {
        case request(method: HTTPMethod, target: String)
        case response(status: HTTPStatusCode, reason: String)
    }

    /// What `Content-Length` said.
    enum ContentLength: Equatable {
        case absent
        case value(Int)
        /// Not a number, or repeated with different values; `text` is the offending value.
        case invalid(text: String)
    }

    /// What `Transfer-Encoding` said.
    enum TransferEncoding: Equatable {
        case absent
        /// The final coding is `chunked`.
        case chunked
        /// Present, but not ending in `chunked`.
        case other
    }

    /// A problem found while parsing, at a byte offset within the head.
    struct Problem {
        var kind: HTTP1Diagnostic.Kind
        var offset: Int
        var length: Int
        var detail: String?
    }

    var start: Start
    /// The version literal as sent.
    var version: String
    var versionNumber: HTTPVersion?
    var headers: HTTPFields
    var contentLength: ContentLength = .absent
    var transferEncoding: TransferEncoding = .absent
    /// The `Upgrade` field value, when present.
    var upgrade: String?
    /// Whether any `Content-Encoding` field is present.
    var hasContentEncoding = false
    /// Malformed or dropped lines, empty in the common case.
    var problems: [Problem] = []

    init(start: Start, version: String, versionNumber: HTTPVersion?, headers: HTTPFields) {
        self.start = start
        self.version = version
        self.versionNumber = versionNumber
        self.headers = headers
    }

    /// Gives back the room `HeadParser` reserved for fields that did not come (16 fields of 32 bytes),
    /// for a head kept while its request waits for a response: a one-field head kept 544 bytes of fields.
    mutating func trimFieldCapacity() {
        guard headers.fields.capacity > 2 &* headers.fields.count else { return }
        headers.fields = headers.fields.withUnsafeBufferPointer { Array($0) }
    }
}
