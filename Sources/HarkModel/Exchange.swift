public import HarkCore

/// One request and its responses, as every output (HAR, trace, stats, filters) sees it, whatever HTTP
/// version carried it.
public struct Exchange: Sendable {
    /// 0-based, in the order exchanges completed.
    public var id: Int
    /// The TCP or QUIC connection that carried it.
    public var connection: ConnectionContext
    /// `http1`, `h2` or `fcgi`.
    public var applicationProtocol: ApplicationProtocol
    /// The HTTP/2 stream identifier; nil for HTTP/1.
    public var streamID: Int?
    /// Position among the connection's exchanges, from 0.
    public var indexOnConnection: Int
    /// The request.
    public var request: HTTPRequestRecord
    /// Interim (1xx) responses before the final one.
    public var interimResponses: [HTTPResponseRecord]
    /// The final response; nil when none was captured.
    public var response: Optional<HTTPResponseRecord>  // not `HTTPResponseRecord?`: see `init`
    /// What went wrong or is incomplete, in words for `_error` and traces; empty for a clean exchange.
    public var problems: [String]
    /// What the connection switched to after this exchange: the `Upgrade` protocol of a `101` response,
    /// lower-cased (`websocket`, `h2c`); nil otherwise (a CONNECT tunnel says so by its method).
    public var switchedTo: Optional<String>  // not `String?`: see `init`
    /// The gRPC call, for `application/grpc` exchanges over HTTP/2.
    public var grpc: Optional<GRPCSummary>  // not `GRPCSummary?`: see `init`
    /// The FastCGI request's own facts (request id, role, statuses, stderr), for `fcgi` exchanges.
    public var fastCGI: Optional<FastCGISummary>  // not `FastCGISummary?`: see `init`
    /// For a client's HTTP exchange with a web server: the FastCGI exchange the web server made to
    /// serve it (the next hop up), when the capture holds both.
    public var upstream: Optional<HopLink>  // not `HopLink?`: see `init`
    /// For a FastCGI exchange: the client's HTTP exchange it served.
    public var downstream: Optional<HopLink>  // not `HopLink?`: see `init`

    public init(
        id: Int,
        connection: ConnectionContext,
        applicationProtocol: ApplicationProtocol,
        streamID: Int? = nil,
        indexOnConnection: Int,
        request: HTTPRequestRecord,
        interimResponses: [HTTPResponseRecord] = [],
        response: HTTPResponseRecord?,
        problems: [String] = [],
        switchedTo: String? = nil
    ) {
        self.id = id
        self.connection = connection
        self.applicationProtocol = applicationProtocol
        self.streamID = streamID
        self.indexOnConnection = indexOnConnection
        self.request = request
        self.interimResponses = interimResponses
        self.response = response
        self.problems = problems
        // The optionals are spelled `Optional<…>`, not `…?`: a `var` spelled `T?` starts out nil
        // before the initializer runs, and then this compiler built the exchange aside and copied it
        // out (a retain and a release of everything it holds, for every exchange).
        self.switchedTo = switchedTo
        self.grpc = nil
        self.fastCGI = nil
        self.upstream = nil
        self.downstream = nil
    }

    /// Whether this exchange stands for a TLS or QUIC connection nothing could be read inside (protocol
    /// `tls` or `quic`): no HTTP exchange, so HAR leaves it out by default and stats do not count it.
    public var isUndecryptedStandIn: Bool { applicationProtocol == .tls || applicationProtocol == .quic }

    /// Whether the request and a final response were captured whole.
    public var isComplete: Bool {
        guard let response else { return false }
        return problems.isEmpty && request.body.isComplete && response.body.isComplete
    }

    /// Request start to response end (or request end when there is no response).
    public var duration: TimeSpan {
        (response?.lastByte ?? request.lastByte).since(request.firstByte)
    }
}

/// The TCP connection an exchange travelled on.
public struct ConnectionContext: Hashable, Sendable {
    /// The connection number (TCP and QUIC together; tshark's `tcp.stream` when there is no QUIC).
    public var id: Int
    /// The client's address and port.
    public var client: Endpoint
    /// The server's address and port.
    public var server: Endpoint
    /// The TCP handshake, when captured: given on the connection's first exchange only, since only that
    /// one waited for it.
    public var handshake: HandshakeTiming?
    /// The TLS session the exchange travelled in (on every exchange of a TLS connection); nil for
    /// clear text. Its handshake timing counts only where `handshake` is given.
    public var tls: TLSSummary?

    public init(id: Int, client: Endpoint, server: Endpoint, handshake: HandshakeTiming? = nil, tls: TLSSummary? = nil) {
        self.id = id
        self.client = client
        self.server = server
        self.handshake = handshake
        self.tls = tls
    }

    /// `https` inside TLS, else `http`.
    public var scheme: String { tls == nil ? "http" : "https" }
}

/// When the TCP handshake started and finished.
public struct HandshakeTiming: Hashable, Sendable {
    /// The client's SYN.
    public var synTime: Timestamp
    /// The client's ACK of the SYN-ACK.
    public var completedTime: Timestamp

    public init(synTime: Timestamp, completedTime: Timestamp) {
        self.synTime = synTime
        self.completedTime = completedTime
    }
}
