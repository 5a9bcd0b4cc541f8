public import HarkCore
public import HarkModel
import HarkFilter

/// One exchange as the list views keep it: what a row shows, sorts and filters on, in about 300 bytes
/// plus one string. Headers, bodies and gRPC messages stay in the store's detail journal and are read
/// back with `LiveStore.exchange(id:)` when shown.
///
/// Compact because a store keeps a million of them: the texts (method, scheme, authority, target,
/// content types, gRPC names, what the connection switched to, the protocol) share one string, the
/// times are plain nanoseconds, and absent values are flags or sentinels rather than optionals.
public struct ExchangeRow: Sendable, Hashable {
    /// The exchange's id (0-based, in the order exchanges completed).
    public let id: Int
    /// The store version at which the row was added (see `LiveStore.changes(since:)`).
    public let version: UInt64
    /// The TCP connection that carried it.
    public let connectionID: Int
    public let client: Endpoint
    public let server: Endpoint
    /// Transfer-decoded body bytes captured (`HTTPMessageBody.length`).
    public let requestBodySize: Int
    /// The response body's size; 0 without a response.
    public let responseBodySize: Int
    /// Problems found (`Exchange.problems.count`).
    public let problemCount: Int
    private let texts: RowTexts
    private let times: RowTimes
    /// The status, the HTTP/2 stream id and `grpc-status`; `Int.min` when absent.
    private let statusCode: Int
    private let stream: Int
    private let grpcStatusCode: Int
    private let flags: Flags
    /// Where the details are.
    let location: DetailLocation

    struct Flags: OptionSet, Hashable {
        let rawValue: UInt8
        static let requestIsPlaceholder = Flags(rawValue: 1)
        static let isWebSocketUpgrade = Flags(rawValue: 2)
        static let isGRPC = Flags(rawValue: 4)
        static let isExtendedConnect = Flags(rawValue: 8)
    }

    /// The row of `exchange`, whose details were written at `location`.
    init(_ exchange: Exchange, version: UInt64, location: DetailLocation) {
        id = exchange.id
        self.version = version
        connectionID = exchange.connection.id
        client = exchange.connection.client
        server = exchange.connection.server
        let request = exchange.request
        requestBodySize = request.body.length
        responseBodySize = exchange.response?.body.length ?? 0
        problemCount = exchange.problems.count
        texts = RowTexts([
            request.method.rawValue, request.scheme, request.authority, request.target,
            request.headers.first("content-type"), exchange.response?.headers.first("content-type"),
            exchange.grpc?.service, exchange.grpc?.method, exchange.switchedTo, exchange.applicationProtocol.rawValue,
        ])
        times = RowTimes(ExchangeTiming(exchange))
        statusCode = exchange.response?.status.rawValue ?? .min
        stream = exchange.streamID ?? .min
        grpcStatusCode = exchange.grpc?.status ?? .min
        var flags: Flags = []
        if request.isPlaceholder { flags.insert(.requestIsPlaceholder) }
        if exchange.filterIsWebSocketUpgrade { flags.insert(.isWebSocketUpgrade) }
        if exchange.filterIsGRPC { flags.insert(.isGRPC) }
        if request.isExtendedConnect { flags.insert(.isExtendedConnect) }
        self.flags = flags
        self.location = location
    }

    /// The positions of the texts in `RowTexts`.
    enum Text: Int {
        case method, scheme, authority, target, requestContentType, responseContentType, grpcService, grpcMethod
        case switchedTo, applicationProtocol
    }

    /// A text as a slice of the row's one string (nil when absent).
    func slice(_ text: Text) -> Substring? { texts[text.rawValue] }

    private func string(_ text: Text) -> String? { texts[text.rawValue].map(String.init) }

    /// `http1` or `h2`.
    public var applicationProtocol: ApplicationProtocol { ApplicationProtocol(rawValue: string(.applicationProtocol) ?? "") }
    /// The HTTP/2 stream id; nil for HTTP/1.
    public var streamID: Int? { stream == .min ? nil : stream }
    public var method: HTTPMethod { HTTPMethod(rawValue: string(.method) ?? "") }
    /// `http` or `https`.
    public var scheme: String { string(.scheme) ?? "" }
    public var authority: String? { string(.authority) }
    /// The request target as sent.
    public var target: String { string(.target) ?? "" }
    /// The final status; nil when no response was captured.
    public var status: HTTPStatusCode? { statusCode == .min ? nil : HTTPStatusCode(rawValue: statusCode) }
    /// The request's `Content-Type`.
    public var requestContentType: String? { string(.requestContentType) }
    /// The response's `Content-Type`.
    public var responseContentType: String? { string(.responseContentType) }
    /// Timings from the packets: the start as HAR's `startedDateTime` (the SYN for a connection's first
    /// exchange, else the first request byte), then each phase's bounds.
    public var timing: ExchangeTiming { times.timing }
    /// A gRPC call's service, method and `grpc-status`.
    public var grpcService: String? { string(.grpcService) }
    public var grpcMethod: String? { string(.grpcMethod) }
    public var grpcStatus: Int? { grpcStatusCode == .min ? nil : grpcStatusCode }
    /// What the connection switched to after this exchange (`websocket`, `h2c`, `CONNECT host:443`).
    public var switchedTo: String? { string(.switchedTo) }
    /// Whether the request was not captured (a response without its request).
    public var requestIsPlaceholder: Bool { flags.contains(.requestIsPlaceholder) }

    /// The host without the port (the server address when no authority was sent).
    public var host: String { String(filterHost) }

    /// The full URL, as a browser shows it.
    public var url: String { filterURL }

    /// The path without the query.
    public var path: Substring { filterPath }

    /// The response's content type, else the request's.
    public var contentType: String? { filterContentType.map(String.init) }

    /// The protocol label a list shows: `grpc`, `ws` (the upgrade, or an HTTP/2 extended CONNECT that
    /// switched its stream), `h3`, `h2` or `h1`.
    public var protocolLabel: String {
        if slice(.grpcService) != nil || slice(.grpcMethod) != nil || flags.contains(.isGRPC) { return "grpc" }
        if slice(.switchedTo) == "websocket" { return "ws" }
        if slice(.applicationProtocol) == ApplicationProtocol.http3.rawValue[...] { return "h3" }
        return slice(.applicationProtocol) == ApplicationProtocol.http2.rawValue[...] ? "h2" : "h1"
    }

    /// Whether the exchange travelled inside TLS.
    public var isTLS: Bool { slice(.scheme) == "https" && applicationProtocol != .fastCGI }

    /// Request start to response end (or request end when there is no response).
    public var duration: TimeSpan { times.duration }

    var hasWebSocketUpgradeFlag: Bool { flags.contains(.isWebSocketUpgrade) }
    var hasGRPCFlag: Bool { flags.contains(.isGRPC) }
    /// An HTTP/2 or HTTP/3 CONNECT opening a protocol at a path (`HTTPRequestRecord.isExtendedConnect`).
    var isExtendedConnect: Bool { flags.contains(.isExtendedConnect) }
    var statusValue: Int? { statusCode == .min ? nil : statusCode }
}
