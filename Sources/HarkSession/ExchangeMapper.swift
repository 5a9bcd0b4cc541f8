import HarkContentCoding
import HarkCore
import HarkHTTP1
import HarkModel

/// Maps HTTP/1 analyzer results onto the version-neutral model.
enum ExchangeMapper {
    /// A paired request (with its responses, if any), the connection's exchange number `position`.
    static func exchange(from exchange: HTTP1Exchange, id: Int, position: Int, connection: ConnectionContext)
        -> Exchange
    {
        let request = exchange.request
        let authority = authority(of: request)
        return Exchange(
            id: id,
            connection: connection,
            applicationProtocol: .http1,
            indexOnConnection: position,
            request: HTTPRequestRecord(
                method: request.method,
                target: request.target,
                scheme: connection.scheme,
                authority: authority,
                version: request.version,
                headers: request.headers,
                headSize: request.headSize,
                body: body(request.body),
                firstByte: request.span.firstByteTime,
                lastByte: request.span.lastByteTime,
                packets: PacketSpan(known: request.span.firstPacket, request.span.lastPacket)
            ),
            interimResponses: exchange.interimResponses.map(response),
            response: exchange.response.map(response),
            problems: exchange.issues.map(describe)
        )
    }

    /// A response whose request was not captured: the request is a placeholder, flagged as such, with
    /// `missingRequest` saying why it is missing.
    static func exchange(
        unpaired response: HTTP1Response,
        id: Int,
        position: Int,
        connection: ConnectionContext,
        missingRequest: String
    ) -> Exchange {
        let placeholder = HTTPRequestRecord.placeholder(
            scheme: connection.scheme,
            version: response.version,
            at: response.span.firstByteTime
        )
        return Exchange(
            id: id,
            connection: connection,
            applicationProtocol: .http1,
            indexOnConnection: position,
            request: placeholder,
            response: self.response(response),
            problems: [missingRequest] + response.issues.map(describe)
        )
    }

    private static func response(_ response: HTTP1Response) -> HTTPResponseRecord {
        HTTPResponseRecord(
            status: response.status,
            reason: response.reason,
            version: response.version,
            headers: response.headers,
            headSize: response.headSize,
            body: body(response.body),
            firstByte: response.span.firstByteTime,
            lastByte: response.span.lastByteTime,
            packets: PacketSpan(known: response.span.firstPacket, response.span.lastPacket)
        )
    }

    private static func body(_ body: HTTP1Body) -> HTTPMessageBody {
        HTTPMessageBody(
            bytes: body.bytes,
            decoded: body.decoded,
            decodedLength: body.decodedLength,
            length: body.length,
            wireBytes: body.wireBytes,
            missingBytes: body.missingBytes,
            isComplete: body.isComplete,
            contentCodings: body.contentCodings.map(\.rawValue),
            decodingError: body.decodingError.map { "\($0)" },
            trailers: body.trailers
        )
    }

    /// The authority of an absolute-form target (`http://host:port/path`), else the `Host` header.
    private static func authority(of request: HTTP1Request) -> String? {
        if request.method == .connect { return request.target }
        let target = request.target.utf8
        // An origin-form target ("/…", nearly every one) names no scheme: no need to look for one.
        if target.first != UInt8(ascii: "/") {
            for scheme in ["http://", "https://"] where ASCII.equalIgnoringCase(target.prefix(scheme.utf8.count), scheme.utf8) {
                let rest = request.target.dropFirst(scheme.count)
                return String(rest.prefix { $0 != "/" && $0 != "?" })
            }
        }
        return request.headers.first("Host")
    }

    private static func describe(_ issue: HTTP1Exchange.Issue) -> String {
        switch issue {
        case .noResponse(.connectionEnded): "no response: the server's side of the connection ended first"
        case .noResponse(.tooManyPendingRequests): "no response: too many requests were waiting for responses"
        case .noResponse(.connectionUpgraded): "no response: the connection switched protocols for an earlier request"
        case .noResponse(.lostInCaptureGap): "no response captured: it was lost in a gap of the capture"
        case .noResponse(.sessionBudgetUsedUp):
            "no response: the session held too many requests waiting for responses (memory budget)"
        case .requestHeadIncomplete: "request head incomplete: cut by a capture gap or the end of the capture"
        case .responseHeadIncomplete: "response head incomplete: cut by a capture gap or the end of the capture"
        case .requestBodyIncomplete(let missing): "request body incomplete: \(missing) bytes missing"
        case .responseBodyIncomplete(let missing): "response body incomplete: \(missing) bytes missing"
        case .requestBodyTruncated(let kept): "request body longer than the limit; first \(kept) bytes kept"
        case .responseBodyTruncated(let kept): "response body longer than the limit; first \(kept) bytes kept"
        case .requestBodyNotStored(let error): "request body not stored in full: \(error)"
        case .responseBodyNotStored(let error): "response body not stored in full: \(error)"
        case .http09Response: "response without a status line (HTTP/0.9)"
        }
    }
}
