public import HarkCore
public import HarkModel

/// What the filter language reads of an exchange. `Exchange` adopts it, and so can a compact summary
/// that keeps only these fields (the live store's rows), so that one evaluator runs the language on
/// both, without rebuilding an `Exchange` per row.
///
/// Text values are slices of the subject's own strings where it has them, so that comparing them
/// allocates nothing. A subject that keeps only some header fields answers for those; callers that
/// need the others check `Filter.readsHeaders` and evaluate the whole exchange instead.
public protocol FilterSubject {
    /// The connection's id and endpoints (`conn`, `ip`, `port`, `client`, `server`).
    var filterConnection: ConnectionContext { get }
    /// `http1` or `h2` (`proto=http1`, `proto=h2`).
    var filterApplicationProtocol: ApplicationProtocol { get }
    /// The request's method as sent.
    var filterMethod: Substring { get }
    /// The host the request named without the port, else the server's address.
    var filterHost: Substring { get }
    /// The request target's path, without scheme, authority, query and fragment.
    var filterPath: Substring { get }
    /// The absolute URL (built only when a filter reads `url`).
    var filterURL: String { get }
    /// The response's `Content-Type`, else the request's.
    var filterContentType: Substring? { get }
    /// The final status code; nil without a response.
    var filterStatus: Int? { get }
    /// Request start to response end in nanoseconds; nil without a response.
    var filterLatency: Int64? { get }
    /// Request and response body sizes (the response's nil without a response).
    var filterRequestSize: Int { get }
    var filterResponseSize: Int? { get }
    /// The HTTP/2 stream id.
    var filterStreamID: Int? { get }
    /// A gRPC call's `grpc-status` and `/package.Service/Method`.
    var filterGRPCStatus: Int? { get }
    var filterGRPCMethod: String? { get }
    /// Whether the exchange is a WebSocket upgrade (101 after `Upgrade: websocket`, or an HTTP/2
    /// extended CONNECT that switched its stream to WebSocket).
    var filterIsWebSocketUpgrade: Bool { get }
    /// Whether the request's `Content-Type` is `application/grpc…`.
    var filterIsGRPC: Bool { get }
    /// Whether the exchange travelled inside TLS (scheme `https`, FastCGI excepted).
    var filterIsTLS: Bool { get }
    /// Calls `body` with each value of the header fields called `name` (lower-cased) in the request
    /// (`response` false) or the response, until it returns true; returns whether it did.
    func filterHeaderValues(named name: String, response: Bool, where body: (Substring) -> Bool) -> Bool
}

extension Exchange: FilterSubject {
    public var filterConnection: ConnectionContext { connection }
    public var filterApplicationProtocol: ApplicationProtocol { applicationProtocol }
    public var filterMethod: Substring { request.method.rawValue[...] }
    public var filterHost: Substring { ExchangeFields.host(authority: request.authority?[...], server: connection.server) }
    public var filterPath: Substring { ExchangeFields.path(of: request.target[...]) }
    public var filterURL: String { request.url(server: connection.server) }
    public var filterContentType: Substring? { ExchangeFields.contentType(of: self)?[...] }
    public var filterStatus: Int? { response?.status.rawValue }
    public var filterLatency: Int64? { response == nil ? nil : duration.nanoseconds }
    public var filterRequestSize: Int { request.body.length }
    public var filterResponseSize: Int? { response?.body.length }
    public var filterStreamID: Int? { streamID }
    public var filterGRPCStatus: Int? { grpc?.status }
    public var filterGRPCMethod: String? { ExchangeFields.grpcMethod(service: grpc?.service, method: grpc?.method) }

    public var filterIsWebSocketUpgrade: Bool {
        switchedTo == "websocket"  // an HTTP/2 extended CONNECT's 2xx (RFC 8441) too
            || response?.status == .switchingProtocols && request.headers.containsToken("websocket", in: "upgrade")
    }

    public var filterIsGRPC: Bool {
        guard let type = request.headers.first("content-type") else { return false }
        return ASCIICase.hasPrefix(type, lowercased: "application/grpc")
    }

    /// A FastCGI request's scheme is the browser's; its own connection is clear text.
    public var filterIsTLS: Bool { request.scheme == "https" && applicationProtocol != .fastCGI }

    public func filterHeaderValues(named name: String, response: Bool, where body: (Substring) -> Bool) -> Bool {
        guard let headers = response ? self.response?.headers : request.headers else { return false }
        for field in headers.fields where ASCIICase.equal(field.name, lowercased: name) {
            if body(field.value[...]) { return true }
        }
        return false
    }
}
