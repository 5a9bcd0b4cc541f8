public import HarkCore

/// A request on one stream: its header block, body and trailers, with timings.
public struct HTTP2Request: Hashable, Sendable {
    /// The header block; pseudo-headers are kept apart from regular fields.
    public var head: HTTP2HeaderBlock
    /// The body (DATA frames).
    public var body: HTTP2Body
    /// A trailing header block, when one was sent.
    public var trailers: HTTP2HeaderBlock?
    /// Capture time of the segment holding the first byte of the first HEADERS frame.
    public var firstByteTime: Timestamp
    /// Capture time of the segment holding the last byte of the last frame seen for the request.
    public var lastByteTime: Timestamp
    /// Numbers of the packets holding those bytes (from the analyzer's `PacketClock`; 0: not known).
    public var firstPacket = 0
    public var lastPacket = 0

    /// A request from its parts.
    public init(
        head: HTTP2HeaderBlock,
        body: HTTP2Body = HTTP2Body(),
        trailers: HTTP2HeaderBlock? = nil,
        firstByteTime: Timestamp,
        lastByteTime: Timestamp
    ) {
        self.head = head
        self.body = body
        self.trailers = trailers
        self.firstByteTime = firstByteTime
        self.lastByteTime = lastByteTime
    }

    /// `:method`, nil when absent or unresolved.
    public var method: HTTPMethod? { head.pseudo(":method").map(HTTPMethod.init(rawValue:)) }
    /// `:scheme`.
    public var scheme: String? { head.pseudo(":scheme") }
    /// `:authority`.
    public var authority: String? { head.pseudo(":authority") }
    /// `:path`.
    public var path: String? { head.pseudo(":path") }
    /// The regular header fields.
    public var headers: HTTPFields { head.fields }

    /// The request an HTTP/1.1 `Upgrade: h2c` request stands for on stream 1 (RFC 7540 §3.2): its
    /// method, `Host` as `:authority`, its target as `:path`, scheme `http`; hop-by-hop fields dropped.
    public static func upgrade(
        method: HTTPMethod,
        target: String,
        headers: HTTPFields,
        body: HTTP2Body = HTTP2Body(),
        firstByteTime: Timestamp,
        lastByteTime: Timestamp
    ) -> HTTP2Request {
        var head = HTTP2HeaderBlock()
        head.append(name: ":method", value: method.rawValue)
        head.append(name: ":scheme", value: "http")
        if let host = headers.first("Host") { head.append(name: ":authority", value: host) }
        head.append(name: ":path", value: target)
        let hopByHop = ["host", "connection", "upgrade", "http2-settings", "keep-alive", "transfer-encoding"]
        for field in headers where !hopByHop.contains(field.name.lowercased()) {
            head.append(name: field.name.lowercased(), value: field.value)
        }
        return HTTP2Request(head: head, body: body, firstByteTime: firstByteTime, lastByteTime: lastByteTime)
    }
}

/// A response on one stream (interim or final): its header block, body and trailers, with timings.
public struct HTTP2Response: Hashable, Sendable {
    /// The header block; pseudo-headers are kept apart from regular fields.
    public var head: HTTP2HeaderBlock
    /// The body (DATA frames).
    public var body: HTTP2Body
    /// A trailing header block, when one was sent.
    public var trailers: HTTP2HeaderBlock?
    /// Capture time of the segment holding the first byte of the first HEADERS frame.
    public var firstByteTime: Timestamp
    /// Capture time of the segment holding the last byte of the last frame seen for the response.
    public var lastByteTime: Timestamp
    /// Numbers of the packets holding those bytes (from the analyzer's `PacketClock`; 0: not known).
    public var firstPacket = 0
    public var lastPacket = 0

    /// A response from its parts.
    public init(
        head: HTTP2HeaderBlock,
        body: HTTP2Body = HTTP2Body(),
        trailers: HTTP2HeaderBlock? = nil,
        firstByteTime: Timestamp,
        lastByteTime: Timestamp
    ) {
        self.head = head
        self.body = body
        self.trailers = trailers
        self.firstByteTime = firstByteTime
        self.lastByteTime = lastByteTime
    }

    /// `:status`, nil when absent, unresolved or not a number.
    public var status: HTTPStatusCode? {
        head.pseudo(":status").flatMap { Int($0) }.map(HTTPStatusCode.init(rawValue:))
    }
    /// The regular header fields.
    public var headers: HTTPFields { head.fields }
}
