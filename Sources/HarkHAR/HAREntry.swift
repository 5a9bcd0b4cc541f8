public import HarkCore

/// One request and its response (HAR 1.2 `entries[]`), plus hark's custom fields.
///
/// `time` is not stored: HAR 1.2 requires it to equal the sum of the timings that apply, so the writer
/// computes it from `timings` (see `HARTimings.total`).
public struct HAREntry: Hashable, Sendable {
    /// The `id` of the page this entry belongs to, if any.
    public var pageref: String?
    /// When the request started (its first byte on the wire, for a capture).
    public var startedDateTime: Timestamp
    /// The request.
    public var request: HARRequest
    /// The response; for a request that got none, a response with status 0 and `error` set, as
    /// browsers write it.
    public var response: HARResponse
    /// Cache state; a capture never knows the browser's cache, so this stays empty.
    public var cache: HARCache
    /// The phases of the exchange, in milliseconds.
    public var timings: HARTimings
    /// The server's IP address (without port or brackets).
    public var serverIPAddress: IPAddress?
    /// The connection this exchange used. Chrome writes the remote port here and reads it back as a
    /// number, so that is the most useful value when no better identifier exists.
    public var connection: String?
    /// A comment from the user or the application.
    public var comment: String?

    // hark's custom fields.

    /// `_resourceType`: Chrome's resource type name (`document`, `fetch`, `websocket`, …), which its
    /// importer uses to classify the entry.
    public var resourceType: String?
    /// `_streamId`: the HTTP/2 stream identifier.
    public var streamID: Int?
    /// `_tls`: the TLS session the exchange travelled in.
    public var tls: HARTLS?
    /// `_grpc`: gRPC call details.
    public var grpc: HARGRPC?
    /// `_webSocketMessages`: the messages after a WebSocket upgrade, in Chrome's format. Written only
    /// when not empty.
    public var webSocketMessages: [HARWebSocketMessage]
    /// What grouping into pages needs to know (`HARSortingSpool` groups the entries that have one and
    /// no `pageref`); not written.
    public var pageClue: HARPageClue?
    /// Further custom fields, written last in this order (keys get a leading `_` when missing). Do not
    /// repeat a key that a typed property above already writes.
    public var custom: [HARJSONMember]

    public init(
        startedDateTime: Timestamp,
        request: HARRequest,
        response: HARResponse,
        timings: HARTimings,
        serverIPAddress: IPAddress? = nil,
        connection: String? = nil,
        pageref: String? = nil,
        comment: String? = nil
    ) {
        self.pageref = pageref
        self.startedDateTime = startedDateTime
        self.request = request
        self.response = response
        self.cache = HARCache()
        self.timings = timings
        self.serverIPAddress = serverIPAddress
        self.connection = connection
        self.comment = comment
        self.webSocketMessages = []
        self.custom = []
    }

    /// Total elapsed milliseconds, as the writer computes and writes it: the sum of the timings that are
    /// not -1, excluding `ssl` (already inside `connect`).
    public var time: Double { timings.total }
}

/// Cache usage (HAR 1.2 `cache`). A passive capture cannot see a browser's cache, so the
/// `beforeRequest` and `afterRequest` members are never written; the spec's "no cache information"
/// form is the empty object.
public struct HARCache: Hashable, Sendable {
    /// A comment from the user or the application.
    public var comment: String?

    public init(comment: String? = nil) {
        self.comment = comment
    }
}
