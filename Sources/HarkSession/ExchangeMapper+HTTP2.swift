import HarkContentCoding
import HarkCore
import HarkHTTP2
import HarkModel

/// Maps HTTP/2 analyzer results onto the version-neutral model.
extension ExchangeMapper {
    /// One stream's exchange; a stream whose request HEADERS were not captured gets a placeholder
    /// request, flagged in `problems`.
    static func exchange(from exchange: HTTP2Exchange, id: Int, index: Int, connection: ConnectionContext) -> Exchange {
        let finalResponse = exchange.response.map(record)
        let request: HTTPRequestRecord
        if let captured = exchange.request {
            request = HTTPRequestRecord(
                method: captured.method ?? HTTPRequestRecord.placeholderMethod,
                target: captured.path ?? "/",
                scheme: captured.scheme ?? connection.scheme,
                authority: captured.authority ?? captured.headers.first("Host"),
                version: "HTTP/2.0",
                headers: captured.headers,
                headSize: nil,
                body: body(captured.body, trailers: captured.trailers),
                firstByte: captured.firstByteTime,
                lastByte: captured.lastByteTime,
                packets: PacketSpan(known: captured.firstPacket, captured.lastPacket)
            )
        } else {
            let time = finalResponse?.firstByte ?? connection.handshake?.completedTime ?? Timestamp(nanoseconds: 0)
            request = .placeholder(scheme: connection.scheme, version: "HTTP/2.0", at: time)
        }
        var problems = exchange.issues.map(describe)
        if exchange.isPushed, let origin = exchange.promisedOn {
            problems.append("pushed by the server (PUSH_PROMISE on stream \(origin))")
        }
        var result = Exchange(
            id: id,
            connection: connection,
            applicationProtocol: .http2,
            streamID: Int(exchange.streamID),
            indexOnConnection: index,
            request: request,
            interimResponses: exchange.interimResponses.map(record),
            response: finalResponse,
            problems: problems
        )
        if let call = exchange.grpc {
            result.grpc = GRPCSummary(
                service: call.service,
                method: call.method,
                status: call.status,
                statusMessage: call.statusMessage,
                requestMessageCount: call.requestMessageCount,
                responseMessageCount: call.responseMessageCount,
                requestMessages: call.requestMessages.map(message),
                responseMessages: call.responseMessages.map(message)
            )
        }
        return result
    }

    private static func message(_ message: GRPCCall.Message) -> GRPCMessage {
        GRPCMessage(
            isCompressed: message.isCompressed,
            wireLength: message.wireLength,
            payload: message.payload,
            decodingError: message.decodingError.map { "\($0)" }
        )
    }

    private static func record(_ response: HTTP2Response) -> HTTPResponseRecord {
        HTTPResponseRecord(
            status: response.status ?? .absent,
            reason: "",
            version: "HTTP/2.0",
            headers: response.headers,
            headSize: nil,
            body: body(response.body, trailers: response.trailers),
            firstByte: response.firstByteTime,
            lastByte: response.lastByteTime,
            packets: PacketSpan(known: response.firstPacket, response.lastPacket)
        )
    }

    private static func body(_ body: HTTP2Body, trailers: HTTP2HeaderBlock?) -> HTTPMessageBody {
        HTTPMessageBody(
            bytes: body.bytes,
            decoded: body.decoded,
            decodedLength: body.decodedLength,
            length: body.length,
            wireBytes: body.length,
            missingBytes: body.missingBytes,
            isComplete: body.missingBytes == 0,
            contentCodings: body.contentCodings.map(\.rawValue),
            decodingError: body.decodingError.map { "\($0)" },
            trailers: trailers?.fields ?? HTTPFields()
        )
    }

    private static func describe(_ issue: HTTP2Exchange.Issue) -> String {
        switch issue {
        case .reset(let code, let by): "stream reset by the \(by == .clientToServer ? "client" : "server") (\(code))"
        case .abandonedByGoaway(let last, let code): "abandoned: above GOAWAY's last stream \(last) (\(code))"
        case .noRequestSeen: "request not captured (the capture starts after it was sent)"
        case .requestIncomplete(let reason): "request incomplete: \(describe(reason))"
        case .responseIncomplete(let reason): "response incomplete: \(describe(reason))"
        case .headersPartial(let direction): "\(direction == .clientToServer ? "request" : "response") headers partly decoded (HPACK state unknown)"
        case .pathInferred: "request :path inferred: sent as a value whose field name is in HPACK state from before the capture"
        case .bytesMissing(let direction, let count): "\(count) bytes of the \(direction == .clientToServer ? "request" : "response") lost in capture"
        case .bodyTruncated(let direction, let kept): "\(direction == .clientToServer ? "request" : "response") body longer than the limit; first \(kept) bytes kept"
        case .bodyNotStored(let direction, let error): "\(direction == .clientToServer ? "request" : "response") body not stored in full: \(error)"
        }
    }

    private static func describe(_ reason: HTTP2Exchange.IncompleteReason) -> String {
        switch reason {
        case .connectionEnded: "the connection ended first"
        case .tooManyStreams: "too many open streams"
        case .reset: "the stream was reset"
        case .sessionBudgetUsedUp: "the session held too many requests waiting for responses (memory budget)"
        case .sessionStreamBudgetUsedUp: "the session held too many open streams (memory budget)"
        }
    }
}
