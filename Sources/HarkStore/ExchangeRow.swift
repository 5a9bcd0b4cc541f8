public import HarkCore
public import HarkModel

/// One exchange as the list views keep it: what a row shows, sorts and filters on, in a few hundred
/// bytes. Headers, bodies and gRPC messages stay in the store's detail journal and are read back with
/// `LiveStore.exchange(id:)` when shown.
public struct ExchangeRow: Sendable, Hashable {
    /// The exchange's id (0-based, in the order exchanges completed).
    public var id: Int
    /// The store version at which the row was added (see `LiveStore.changes(since:)`).
    public var version: UInt64
    /// The TCP connection that carried it.
    public var connectionID: Int
    public var client: Endpoint
    public var server: Endpoint
    /// `http1` or `h2`.
    public var applicationProtocol: ApplicationProtocol
    /// The HTTP/2 stream id; nil for HTTP/1.
    public var streamID: Int?
    public var method: HTTPMethod
    /// `http` or `https`.
    public var scheme: String
    public var authority: String?
    /// The request target as sent.
    public var target: String
    /// The final status; nil when no response was captured.
    public var status: HTTPStatusCode?
    /// The request's `Content-Type`.
    public var requestContentType: String?
    /// The response's `Content-Type`.
    public var responseContentType: String?
    /// Transfer-decoded body bytes captured (`HTTPMessageBody.length`).
    public var requestBodySize: Int
    /// The response body's size; 0 without a response.
    public var responseBodySize: Int
    /// Timings from the packets: the start as HAR's `startedDateTime` (the SYN for a connection's first
    /// exchange, else the first request byte), then each phase's bounds.
    public var timing: ExchangeTiming
    /// A gRPC call's service, method and `grpc-status`.
    public var grpcService: String?
    public var grpcMethod: String?
    public var grpcStatus: Int?
    /// What the connection switched to after this exchange (`websocket`, `h2c`, `CONNECT host:443`).
    public var switchedTo: String?
    /// Problems found (`Exchange.problems.count`).
    public var problemCount: Int
    /// Whether the request was not captured (a response without its request).
    public var requestIsPlaceholder: Bool
    /// Where the details are.
    var location: DetailLocation

    /// The row of `exchange`, whose details were written at `location`.
    init(_ exchange: Exchange, version: UInt64, location: DetailLocation) {
        id = exchange.id
        self.version = version
        connectionID = exchange.connection.id
        client = exchange.connection.client
        server = exchange.connection.server
        applicationProtocol = exchange.applicationProtocol
        streamID = exchange.streamID
        let request = exchange.request
        method = request.method
        scheme = request.scheme
        authority = request.authority
        target = request.target
        status = exchange.response?.status
        requestContentType = request.headers.first("content-type")
        responseContentType = exchange.response?.headers.first("content-type")
        requestBodySize = request.body.length
        responseBodySize = exchange.response?.body.length ?? 0
        timing = ExchangeTiming(exchange)
        grpcService = exchange.grpc?.service
        grpcMethod = exchange.grpc?.method
        grpcStatus = exchange.grpc?.status
        switchedTo = exchange.switchedTo
        problemCount = exchange.problems.count
        requestIsPlaceholder = request.isPlaceholder
        self.location = location
    }

    /// The host without the port (the server address when no authority was sent).
    public var host: String { skeletonRequest.host(server: server) }

    /// The full URL, as a browser shows it.
    public var url: String { skeletonRequest.url(server: server) }

    /// The path without the query.
    public var path: Substring {
        var rest = target[...]
        for prefix in ["http://", "https://"] where rest.hasPrefix(prefix) {
            rest = rest.dropFirst(prefix.count)
            rest = rest[(rest.firstIndex(of: "/") ?? rest.endIndex)...]
        }
        return rest[..<(rest.firstIndex { $0 == "?" || $0 == "#" } ?? rest.endIndex)]
    }

    /// The response's content type, else the request's.
    public var contentType: String? { responseContentType ?? requestContentType }

    /// The protocol label a list shows: `grpc`, `ws` (the upgrade), `h2` or `h1`.
    public var protocolLabel: String {
        if grpcService != nil || grpcMethod != nil || requestContentType?.lowercased().hasPrefix("application/grpc") == true {
            return "grpc"
        }
        if status == .switchingProtocols, switchedTo == "websocket" { return "ws" }
        return applicationProtocol == .http2 ? "h2" : "h1"
    }

    /// Whether the exchange travelled inside TLS.
    public var isTLS: Bool { scheme == "https" }

    /// Request start to response end (or request end when there is no response).
    public var duration: TimeSpan { timing.duration }

    /// The exchange reduced to what this row keeps (no headers but `Content-Type` and, for a WebSocket
    /// upgrade, `Upgrade`; no body bytes; problems not listed): enough for every filter field but
    /// `header.NAME`.
    public var skeleton: Exchange {
        var exchange = Exchange(
            id: id,
            connection: ConnectionContext(id: connectionID, client: client, server: server),
            applicationProtocol: applicationProtocol,
            streamID: streamID,
            indexOnConnection: 0,
            request: skeletonRequest,
            response: status.map { status in
                var headers = HTTPFields()
                if let responseContentType { headers.fields.append(.init(name: "content-type", value: responseContentType)) }
                return HTTPResponseRecord(
                    status: status, reason: "", version: "", headers: headers, headSize: nil,
                    body: HTTPMessageBody(length: responseBodySize),
                    firstByte: timing.responseStart ?? timing.requestEnd, lastByte: timing.responseEnd ?? timing.requestEnd
                )
            },
            switchedTo: switchedTo
        )
        if grpcService != nil || grpcMethod != nil || grpcStatus != nil {
            exchange.grpc = GRPCSummary(
                service: grpcService, method: grpcMethod, status: grpcStatus, statusMessage: nil,
                requestMessageCount: 0, responseMessageCount: 0
            )
        }
        return exchange
    }

    private var skeletonRequest: HTTPRequestRecord {
        var headers = HTTPFields()
        if let requestContentType { headers.fields.append(.init(name: "content-type", value: requestContentType)) }
        if switchedTo == "websocket" { headers.fields.append(.init(name: "upgrade", value: "websocket")) }
        return HTTPRequestRecord(
            method: method, target: target, scheme: scheme, authority: authority, version: "", headers: headers,
            headSize: nil, body: HTTPMessageBody(length: requestBodySize), firstByte: timing.requestStart,
            lastByte: timing.requestEnd
        )
    }
}
