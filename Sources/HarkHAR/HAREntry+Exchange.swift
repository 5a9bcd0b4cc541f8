import HarkCore
public import HarkModel
import NIOCore

/// What to put in HAR entries made from exchanges.
public struct HARExportOptions: Hashable, Sendable {
    /// Whether to write request and response bodies (`--no-bodies` turns them off; sizes stay).
    public var includeBodies: Bool
    /// The most body bytes written per message (`--max-body-size`); nil for no limit beyond capture's.
    public var maxBodySize: Int?
    /// How many gRPC messages, fields and value bytes `_grpc` holds.
    public var grpc: HARGRPCLimits

    public init(includeBodies: Bool = true, maxBodySize: Int? = nil, grpc: HARGRPCLimits = .init()) {
        self.includeBodies = includeBodies
        self.maxBodySize = maxBodySize
        self.grpc = grpc
    }
}

extension HAREntry {
    /// The HAR 1.2 entry for one exchange, with timings from the packets.
    ///
    /// `startedDateTime` is the SYN for a connection's first exchange (its `connect` phase is the
    /// handshake, SYN to the ACK of the SYN-ACK) and the first request byte otherwise. Inside TLS,
    /// `ssl` is the ClientHello to the end of the TLS handshake and, as HAR 1.2 says, is also inside
    /// `connect`, which then runs from the SYN to the end of the TLS handshake. `send` is the first to
    /// the last request byte, `wait` the last request byte to the first response byte, `receive` the
    /// first to the last response byte; `blocked` and `dns` are -1.
    public init(exchange: Exchange, options: HARExportOptions = .init()) {
        let request = exchange.request
        let handshake = exchange.connection.handshake
        var connect = handshake.map { $0.completedTime.since($0.synTime).milliseconds } ?? -1
        var ssl = -1.0
        if let handshake, let tls = exchange.connection.tls, let tlsDuration = tls.handshakeDuration,
            let tlsEnd = tls.handshakeCompletedTime, tlsEnd >= handshake.completedTime
        {
            ssl = max(0, tlsDuration.milliseconds)
            connect = tlsEnd.since(handshake.synTime).milliseconds
        }
        let send = max(0, request.lastByte.since(request.firstByte).milliseconds)
        var wait = 0.0
        var receive = 0.0
        if let response = exchange.response {
            wait = max(0, response.firstByte.since(request.lastByte).milliseconds)
            receive = max(0, response.lastByte.since(response.firstByte).milliseconds)
        }
        self.init(
            startedDateTime: handshake?.synTime ?? request.firstByte,
            request: HARRequest(exchange: exchange, options: options),
            response: HARResponse(exchange: exchange, options: options),
            timings: HARTimings(connect: connect, send: send, wait: wait, receive: receive, ssl: ssl),
            serverIPAddress: exchange.connection.server.address,
            connection: String(exchange.connection.id)
        )
        streamID = exchange.streamID
        // `request._packets` and `response._packets`, inside the objects they describe: a member named
        // `request` or `response` elsewhere in an entry is taken for the request by har2postman's
        // `$.log.entries..request`.
        if let packets = exchange.request.packets { self.request.custom.append(HARJSONMember("_packets", packets.harValue)) }
        if let packets = exchange.response?.packets { self.response.custom.append(HARJSONMember("_packets", packets.harValue)) }
        resourceType = HARResourceType.of(exchange)
        let redirects = (300..<400).contains(exchange.response?.status.rawValue ?? 0)
        pageClue = HARPageClue(
            client: exchange.connection.client.address,
            url: self.request.url,
            isTopLevelDocument: HARResourceType.isTopLevelDocument(exchange),
            referer: exchange.request.headers.first("Referer"),
            location: redirects ? self.response.redirectURL : nil
        )
        if !exchange.isUndecryptedStandIn, exchange.request.isPlaceholder {
            comment = "request not captured: method UNKNOWN and the URL stand in for it"
        }
        if let tls = exchange.connection.tls {
            self.tls = HARTLS(
                version: tls.version.isEmpty ? nil : tls.version,
                cipherSuite: tls.cipherSuite.isEmpty ? nil : tls.cipherSuite,
                serverName: tls.serverName,
                alpn: tls.alpn
            )
        }
        if let call = exchange.grpc {
            grpc = HARGRPC(call, options: options)
        }
        custom += Self.fastCGIMembers(exchange)
        if !exchange.interimResponses.isEmpty {
            let interim: [HARJSONValue] = exchange.interimResponses.map { response in
                ["status": .integer(Int64(response.status.rawValue)), "statusText": .string(response.reason)]
            }
            custom.append(HARJSONMember("_interimResponses", .array(interim)))
        }
    }
}

extension HARRequest {
    init(exchange: Exchange, options: HARExportOptions) {
        let request = exchange.request
        var headers = Self.pseudoHeaders(of: request, switchedTo: exchange.switchedTo)
        headers += request.headers.map { HARHeader(name: $0.name, value: $0.value) }
        var postData: HARPostData?
        if request.body.length > 0 {
            let mimeType = request.headers.first("Content-Type") ?? ""
            if options.includeBodies {
                let text = limited(request.body.content, options)
                postData = HARPostData(mimeType: mimeType, body: text.bytes)
                postData?.text = text
            } else {
                postData = HARPostData(mimeType: mimeType, text: nil)
            }
        }
        self.init(
            method: request.isPlaceholder ? "UNKNOWN" : request.method.rawValue,
            url: Self.absoluteURL(of: request, server: exchange.connection.server),
            httpVersion: request.version,
            headers: headers,
            postData: postData,
            headersSize: request.headSize ?? -1,
            bodySize: request.body.wireBytes
        )
        trailers = request.body.trailers.map { HARHeader(name: $0.name, value: $0.value) }
    }

    /// The request's URL, always absolute (HAR consumers refuse anything else): a CONNECT's is
    /// `scheme://` and the authority it asked for (its target, else `Host`, else the server address);
    /// an extended CONNECT's (RFC 8441) is its scheme, authority and path, as any request's.
    static func absoluteURL(of request: HTTPRequestRecord, server: Endpoint) -> String {
        guard request.method == .connect, !request.isExtendedConnect else { return request.url(server: server) }
        let authority = [request.target, request.authority ?? ""].first { !$0.isEmpty && !$0.contains("/") && $0 != "*" }
        let address = server.address.isIPv6 ? "[\(server.address)]" : server.address.description
        return "\(request.scheme)://\(authority ?? "\(address):\(server.port)")"
    }

    /// HTTP/2 and HTTP/3 pseudo-header fields as Chrome writes them, first among the headers: `:method`,
    /// `:authority`, `:scheme`, `:path` (only the first two for CONNECT, RFC 9113 §8.5, RFC 9114 §4.4;
    /// all four and `:protocol` for an extended CONNECT that switched the stream, RFC 8441 §4); none
    /// for HTTP/1 or for a request that was not captured.
    static func pseudoHeaders(of request: HTTPRequestRecord, switchedTo: String? = nil) -> [HARHeader] {
        guard request.version == "HTTP/2.0" || request.version == "HTTP/3", !request.isPlaceholder else { return [] }
        var fields = [HARHeader(name: ":method", value: request.method.rawValue)]
        if let authority = request.authority { fields.append(HARHeader(name: ":authority", value: authority)) }
        guard request.method != .connect || request.isExtendedConnect else { return fields }
        fields.append(HARHeader(name: ":scheme", value: request.scheme))
        fields.append(HARHeader(name: ":path", value: request.target))
        if request.isExtendedConnect, let switchedTo { fields.append(HARHeader(name: ":protocol", value: switchedTo)) }
        return fields
    }
}

extension HARResponse {
    init(exchange: Exchange, options: HARExportOptions) {
        guard let response = exchange.response else {
            self.init(status: 0, statusText: "", httpVersion: "", headers: [], content: HARContent(size: 0, mimeType: "", text: options.includeBodies ? HARBody("") : nil))
            error = exchange.problems.isEmpty ? "no response captured" : exchange.problems.joined(separator: "; ")
            return
        }
        let body = response.body
        let mimeType = response.headers.first("Content-Type") ?? ""
        let size = body.decodedLength ?? body.length
        // Bytes saved by compression; unknown when decoding stopped at an error.
        let compression = body.decodingError == nil ? body.decodedLength.map { $0 - body.length } : nil
        var content = HARContent(size: size, compression: compression, mimeType: mimeType)
        if options.includeBodies {  // `""` for an empty body: some readers need `text`
            content.text = limited(body.content, options)
        }
        self.init(
            status: response.status.rawValue,
            statusText: response.reason,
            httpVersion: response.version,
            headers: response.headers.map { HARHeader(name: $0.name, value: $0.value) },
            content: content,
            headersSize: response.headSize ?? -1,
            bodySize: body.wireBytes,
            receivedAt: response.firstByte
        )
        transferSize = (response.headSize ?? 0) + body.wireBytes
        trailers = body.trailers.map { HARHeader(name: $0.name, value: $0.value) }
        var problems = exchange.problems
        if let decodingError = body.decodingError { problems.append("content decoding: \(decodingError)") }
        if !problems.isEmpty { error = problems.joined(separator: "; ") }
    }
}

/// The body cut to `maxBodySize`, when set (sharing its storage); a cut body knows its full length.
func limited(_ bytes: BodyStorage, _ options: HARExportOptions) -> HARBody {
    guard let maximum = options.maxBodySize, bytes.count > maximum else { return HARBody(bytes) }
    var body = HARBody(bytes.prefix(maximum))
    body.uncutLength = bytes.count
    return body
}
