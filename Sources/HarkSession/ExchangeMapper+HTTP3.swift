import HarkContentCoding
import HarkCore
import HarkHTTP3
import HarkModel

/// Maps HTTP/3 analyzer results onto the version-neutral model, as HTTP/2's are.
extension ExchangeMapper {
    /// The version string of HTTP/3 messages (HAR `httpVersion`).
    static let http3Version = "HTTP/3"

    /// One request stream's exchange; a stream whose request HEADERS were not read gets a placeholder
    /// request, flagged in `problems`.
    static func exchange(from exchange: HTTP3Exchange, id: Int, index: Int, connection: ConnectionContext) -> Exchange {
        let response = exchange.response.map(record)
        let request: HTTPRequestRecord
        if let captured = exchange.request {
            request = HTTPRequestRecord(
                method: captured.method.map(HTTPMethod.init(rawValue:)) ?? HTTPRequestRecord.placeholderMethod,
                target: captured.path ?? "/",
                scheme: captured.scheme ?? connection.scheme,
                authority: captured.authority ?? captured.fields.first("Host"),
                version: http3Version,
                headers: captured.fields,
                headSize: nil,
                body: body(captured),
                firstByte: captured.firstByteTime,
                lastByte: captured.lastByteTime,
                packets: PacketSpan(known: captured.firstPacket, captured.lastPacket)
            )
        } else {
            let time = response?.firstByte ?? connection.tls?.clientHelloTime ?? Timestamp(nanoseconds: 0)
            request = .placeholder(scheme: connection.scheme, version: http3Version, at: time)
        }
        return Exchange(
            id: id,
            connection: connection,
            applicationProtocol: .http3,
            streamID: Int(clamping: exchange.streamID),
            indexOnConnection: index,
            request: request,
            interimResponses: exchange.interimResponses.map(record),
            response: response,
            problems: exchange.issues + pushProblem(exchange)
        )
    }

    /// A pushed exchange says so, as an HTTP/2 push does.
    private static func pushProblem(_ exchange: HTTP3Exchange) -> [String] {
        guard let pushID = exchange.pushID else { return [] }
        let origin = exchange.promisedOn.map { "PUSH_PROMISE on stream \($0), " } ?? ""
        return ["pushed by the server (\(origin)push ID \(pushID))"]
    }

    private static func record(_ message: HTTP3Message) -> HTTPResponseRecord {
        HTTPResponseRecord(
            status: message.status.map(HTTPStatusCode.init(rawValue:)) ?? .absent,
            reason: "",
            version: http3Version,
            headers: message.fields,
            headSize: nil,
            body: body(message),
            firstByte: message.firstByteTime,
            lastByte: message.lastByteTime,
            packets: PacketSpan(known: message.firstPacket, message.lastPacket)
        )
    }

    private static func body(_ message: HTTP3Message) -> HTTPMessageBody {
        let body = message.body
        return HTTPMessageBody(
            bytes: body.bytes,
            decoded: body.decoded,
            decodedLength: body.decodedLength,
            length: body.length,
            wireBytes: body.length,
            missingBytes: body.missingBytes,
            isComplete: body.missingBytes == 0,
            contentCodings: body.contentCodings.map(\.rawValue),
            decodingError: body.decodingError.map { "\($0)" },
            trailers: message.trailers
        )
    }
}
