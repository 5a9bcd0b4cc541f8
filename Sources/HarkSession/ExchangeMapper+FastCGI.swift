import HarkCore
import HarkFastCGI
import HarkModel

/// Maps FastCGI analyzer results onto the version-neutral model.
extension ExchangeMapper {
    /// One FastCGI request's exchange: the HTTP request its CGI variables describe, with `STDIN` as the
    /// body; the CGI response from `STDOUT`; the FastCGI facts in `fastCGI`.
    static func exchange(from exchange: FastCGIExchange, id: Int, position: Int, connection: ConnectionContext) -> Exchange {
        let cgi = exchange.request
        let request = HTTPRequestRecord(
            method: cgi.method,
            target: cgi.target,
            scheme: cgi.scheme,
            authority: cgi.authority,
            version: cgi.version,
            headers: cgi.headers,
            headSize: nil,
            body: body(exchange.stdin),
            firstByte: exchange.requestStart,
            lastByte: exchange.requestEnd,
            packets: PacketSpan(known: exchange.requestFirstPacket, exchange.requestLastPacket)
        )
        var response: HTTPResponseRecord?
        if let start = exchange.responseStart {
            let head = exchange.responseHead
            response = HTTPResponseRecord(
                status: head?.status ?? .absent,
                reason: head?.reason ?? "",
                version: cgi.version,
                headers: head?.headers ?? HTTPFields(),
                headSize: head?.length,
                body: body(exchange.stdout),
                firstByte: start,
                lastByte: exchange.responseEnd ?? start,
                packets: PacketSpan(known: exchange.responseFirstPacket, exchange.responseLastPacket)
            )
        }
        var problems = exchange.problems
        if response == nil { problems.append("no response: the application sent nothing for this request") }
        var result = Exchange(
            id: id,
            connection: connection,
            applicationProtocol: .fastCGI,
            indexOnConnection: position,
            request: request,
            response: response,
            problems: problems
        )
        result.fastCGI = FastCGISummary(
            requestID: Int(exchange.requestID),
            role: exchange.role.description,
            keepsConnection: exchange.keepsConnection,
            appStatus: exchange.appStatus.map(Int.init),
            protocolStatus: exchange.protocolStatus?.description,
            stderr: exchange.stderr,
            stderrLength: exchange.stderrLength,
            paramsLength: exchange.paramsLength
        )
        return result
    }

    private static func body(_ body: FastCGIExchange.Body) -> HTTPMessageBody {
        HTTPMessageBody(
            bytes: body.bytes,
            decoded: body.decoded,
            decodedLength: body.decodedLength,
            length: body.length,
            wireBytes: body.wireBytes,
            isComplete: body.isComplete,
            contentCodings: body.contentCodings,
            decodingError: body.decodingError
        )
    }
}
