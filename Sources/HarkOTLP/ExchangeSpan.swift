public import HarkModel
import HarkCore
import HarkStats

/// Turns an exchange into a span per the stable HTTP semantic conventions (v1.23 and later), or the RPC
/// conventions for gRPC, with hark's own facts under `hark.`.
///
/// The span runs from the request's first byte to the response's last byte, as captured. Its name is
/// `METHOD route`, the route being the `hark stats` endpoint pattern (`EndpointPattern`: ids collapsed,
/// query dropped), never the raw path, to keep the names' cardinality low; gRPC calls are named
/// `package.Service/Method`.
public struct ExchangeSpan {
    /// Methods the HTTP conventions name as they are; others become `_OTHER`.
    private static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY"]

    /// TCP trouble on the exchange's connection while it was in flight (see `OTLPObserver`).
    public struct TCPFacts: Sendable {
        /// Retransmitted segments.
        public var retransmissions = 0
        /// Holes never captured.
        public var gaps = 0

        public init(retransmissions: Int = 0, gaps: Int = 0) {
            self.retransmissions = retransmissions
            self.gaps = gaps
        }
    }

    /// The exchange.
    public let exchange: Exchange
    /// Which side the span describes.
    public let kind: OTLPSpan.Kind
    /// The route: the endpoint pattern of the request target.
    public let route: String
    /// The method as the conventions name it: the token when known, `_OTHER` otherwise.
    public let method: String
    /// The span's status and message (see `statusOf`); worked out once, as the span, its attributes and
    /// the metrics all ask for it.
    private let status: (OTLPSpan.StatusCode, String)

    /// - Parameters: as the properties of the same names.
    public init(_ exchange: Exchange, kind: OTLPSpan.Kind) {
        self.exchange = exchange
        self.kind = kind
        route = EndpointPattern.pattern(for: exchange.request.target)
        let token = exchange.request.method.rawValue
        method = Self.knownMethods.contains(token) ? token : "_OTHER"
        status = Self.statusOf(exchange, kind: kind)
    }

    /// The span name.
    public var name: String {
        if let call = exchange.grpc, let name = RPCConventions.fullMethod(call) { return name }
        return method == "_OTHER" ? "HTTP \(route)" : "\(method) \(route)"
    }

    /// The trace the span belongs to: the request's `traceparent`, else one of its own.
    public var context: TraceContext? {
        let headers = exchange.request.headers
        guard let parent = headers.first("traceparent") else { return nil }
        return TraceContext(traceparent: parent, tracestate: headers.values(for: "tracestate").joined(separator: ","))
    }

    /// Ids that identify the exchange within a capture, stable across runs.
    var stableIDs: StableIDs {
        var ids = StableIDs()
        ids.add(exchange.connection.client.description)
        ids.add(exchange.connection.server.description)
        ids.add(Int64(exchange.connection.id))
        ids.add(Int64(exchange.streamID ?? -1))
        ids.add(Int64(exchange.indexOnConnection))
        ids.add(exchange.request.firstByte.nanoseconds)
        return ids
    }

    /// The span, with `facts` and `links` added.
    public func span(facts: TCPFacts = TCPFacts(), links: [OTLPSpan.Link] = [], rpc: RPCConventions = .current) -> OTLPSpan {
        let ids = stableIDs
        let context = self.context
        let end = exchange.response?.lastByte ?? exchange.request.lastByte
        let (status, message) = self.status
        // One array, filled in place: a span has about twenty attributes.
        var attributes: [OTLPAttribute] = []
        attributes.reserveCapacity(24)
        if let call = exchange.grpc {
            attributes += rpc.attributes(call)
            appendServerAttributes(to: &attributes)
        } else {
            appendHTTPAttributes(to: &attributes)
        }
        appendNetworkAttributes(to: &attributes)
        appendHarkAttributes(facts, to: &attributes)
        return OTLPSpan(
            traceID: context?.traceID ?? ids.traceID,
            spanID: ids.spanID,
            traceState: context?.traceState ?? "",
            parentSpanID: context?.parentSpanID ?? [],
            name: name,
            kind: kind,
            start: exchange.request.firstByte.nanoseconds,
            end: max(end.nanoseconds, exchange.request.firstByte.nanoseconds),
            attributes: attributes,
            events: events,
            links: links,
            status: status,
            statusMessage: message
        )
    }

    /// `server.address` and `server.port`: the authority's host and port, else the server endpoint's.
    private func appendServerAttributes(to attributes: inout [OTLPAttribute]) {
        let request = exchange.request
        let host = request.host(server: exchange.connection.server)
        var port = Int(exchange.connection.server.port)
        if let authority = request.authority, let colon = authority.utf8.lastIndex(of: UInt8(ascii: ":")),
            !authority.utf8[colon...].contains(UInt8(ascii: "]")), let number = Int(authority[authority.index(after: colon)...])
        {
            port = number
        }
        attributes.append(.string("server.address", host))
        attributes.append(.int("server.port", port))
    }

    private func appendHTTPAttributes(to attributes: inout [OTLPAttribute]) {
        let request = exchange.request
        attributes.append(.string("http.request.method", method))
        if method == "_OTHER" { attributes.append(.string("http.request.method_original", request.method.rawValue)) }
        attributes.append(.string("url.scheme", request.scheme))
        if kind == .client {
            attributes.append(.string("url.full", request.url(server: exchange.connection.server)))
            attributes.append(.string("url.template", route))
        } else {
            let target = request.target
            let query = target.firstIndex(of: "?")
            attributes.append(.string("url.path", String(target[..<(query ?? target.endIndex)])))
            if let query { attributes.append(.string("url.query", String(target[target.index(after: query)...]))) }
            attributes.append(.string("http.route", route))
        }
        appendServerAttributes(to: &attributes)
        if let response = exchange.response, response.status != .absent {
            attributes.append(.int("http.response.status_code", response.status.rawValue))
        }
        if let agent = request.headers.first("user-agent") { attributes.append(.string("user_agent.original", agent)) }
        attributes.append(.int("http.request.body.size", request.body.length))
        if let response = exchange.response { attributes.append(.int("http.response.body.size", response.body.length)) }
        if status.0 == .error { attributes.append(.string("error.type", errorType)) }
    }

    /// The protocol, and the peer as seen from the span's side: the server for a CLIENT span, the
    /// client for a SERVER span.
    private func appendNetworkAttributes(to attributes: inout [OTLPAttribute]) {
        let connection = exchange.connection
        let peer = kind == .client ? connection.server : connection.client
        let isFastCGI = exchange.applicationProtocol == .fastCGI
        attributes.append(.string("network.protocol.name", isFastCGI ? "fastcgi" : "http"))
        // FastCGI records are version 1; the request's own version is the HTTP client's (SERVER_PROTOCOL).
        attributes.append(.string("network.protocol.version", isFastCGI ? "1" : Self.protocolVersion(exchange.request.version)))
        attributes.append(.string("network.transport", exchange.applicationProtocol == .http3 ? "quic" : "tcp"))
        attributes.append(.string("network.peer.address", peer.address.description))
        attributes.append(.int("network.peer.port", Int(peer.port)))
        if kind == .server {
            attributes.append(.string("client.address", connection.client.address.description))
            attributes.append(.int("client.port", Int(connection.client.port)))
        }
    }

    private func appendHarkAttributes(_ facts: TCPFacts, to attributes: inout [OTLPAttribute]) {
        attributes.append(.int("hark.exchange.id", exchange.id))
        attributes.append(.int("hark.connection.id", exchange.connection.id))
        attributes.append(.int("hark.tcp.retransmissions", facts.retransmissions))
        attributes.append(.int("hark.tcp.gaps", facts.gaps))
        attributes.append(.bool("hark.complete", exchange.isComplete))
        if let stream = exchange.streamID { attributes.append(.int("hark.http2.stream_id", stream)) }
        if let tls = exchange.connection.tls {
            if !tls.version.isEmpty { attributes.append(.string("hark.tls.version", tls.version)) }
            attributes.append(.bool("hark.tls.decrypted", tls.isDecrypted))
        }
        if !exchange.problems.isEmpty { attributes.append(.string("hark.problems", exchange.problems.joined(separator: "; "))) }
    }

    /// `1.1`, `2`, `1.0` from `HTTP/1.1`, `HTTP/2.0`.
    private static func protocolVersion(_ version: String) -> String {
        let number = version.hasPrefix("HTTP/") ? String(version.dropFirst(5)) : version
        return number == "2.0" ? "2" : number
    }

    /// ERROR for a missing response, a 4xx or 5xx seen by the client or a 5xx served (HTTP conventions),
    /// or a failed gRPC call (RPC conventions); unset otherwise, as the conventions ask.
    private static func statusOf(_ exchange: Exchange, kind: OTLPSpan.Kind) -> (OTLPSpan.StatusCode, String) {
        guard let response = exchange.response else {
            return (.error, exchange.problems.first ?? "no response captured")
        }
        if let call = exchange.grpc, let code = call.status {
            return RPCConventions.isError(code, kind: kind) ? (.error, call.statusMessage ?? RPCConventions.statusName(code)) : (.unset, "")
        }
        let code = response.status.rawValue
        return code >= 500 || (kind == .client && code >= 400) ? (.error, "") : (.unset, "")
    }

    /// Whether the span's status is ERROR.
    public var isError: Bool { status.0 == .error }

    /// The low-cardinality `error.type`: the status code, or `no_response`.
    private var errorType: String {
        guard let response = exchange.response else { return "no_response" }
        return String(response.status.rawValue)
    }

    /// The timing phases, at their capture times: the TCP and TLS handshakes (on a connection's first
    /// exchange, which waited for them), the end of the request, interim responses, and the
    /// response's first byte.
    private var events: [OTLPSpan.Event] {
        var events: [OTLPSpan.Event] = []
        let connection = exchange.connection
        if let handshake = connection.handshake {
            events.append(OTLPSpan.Event(time: handshake.synTime.nanoseconds, name: "connect.start"))
            events.append(OTLPSpan.Event(time: handshake.completedTime.nanoseconds, name: "connect.end"))
            if let tls = connection.tls, let hello = tls.clientHelloTime, let done = tls.handshakeCompletedTime {
                events.append(OTLPSpan.Event(time: hello.nanoseconds, name: "tls.start"))
                events.append(OTLPSpan.Event(time: done.nanoseconds, name: "tls.end"))
            }
        }
        events.append(OTLPSpan.Event(time: exchange.request.lastByte.nanoseconds, name: "request.sent"))
        for interim in exchange.interimResponses {
            events.append(
                OTLPSpan.Event(
                    time: interim.firstByte.nanoseconds, name: "response.interim",
                    attributes: [.int("http.response.status_code", interim.status.rawValue)]
                )
            )
        }
        if let response = exchange.response {
            events.append(OTLPSpan.Event(time: response.firstByte.nanoseconds, name: "response.first_byte"))
        }
        return events
    }
}
