import HarkCore
import HarkModel
import NIOCore

/// Serializes a whole exchange (heads, bodies up to a cap, gRPC messages, FastCGI facts and linked hops,
/// connection context) into a
/// detail record, and reads it back as an `Exchange` whose bodies are in memory.
///
/// The format is private to one run of the store (records never outlive the process), so it has no
/// version field; it is still read defensively (`RecordReader`).
enum ExchangeCodec {
    /// The record of `exchange`, with at most `maxBodyBytes` of each body, decoded body and gRPC payload.
    static func encode(_ exchange: Exchange, maxBodyBytes: Int) -> ByteBuffer {
        var writer = RecordWriter()
        writer.int(exchange.id)
        writeConnection(exchange.connection, to: &writer)
        writer.string(exchange.applicationProtocol.rawValue)
        writer.optional(exchange.streamID) { $0.int($1) }
        writer.int(exchange.indexOnConnection)
        writeRequest(exchange.request, to: &writer, maxBodyBytes: maxBodyBytes)
        writer.array(exchange.interimResponses) { writeResponse($1, to: &$0, maxBodyBytes: maxBodyBytes) }
        writer.optional(exchange.response) { writeResponse($1, to: &$0, maxBodyBytes: maxBodyBytes) }
        writer.array(exchange.problems) { $0.string($1) }
        writer.optional(exchange.switchedTo) { $0.string($1) }
        writer.optional(exchange.grpc) { writeGRPC($1, to: &$0, maxBodyBytes: maxBodyBytes) }
        writeHops(exchange, to: &writer)
        return writer.buffer
    }

    /// The exchange in `record`; nil when the record is damaged or cut short.
    static func decode(_ record: ByteBuffer) -> Exchange? {
        var reader = RecordReader(buffer: record)
        return try? readExchange(&reader)
    }

    private static func readExchange(_ reader: inout RecordReader) throws(RecordReader.Malformed) -> Exchange {
        let id = try reader.int()
        let connection = try readConnection(&reader)
        let applicationProtocol = ApplicationProtocol(rawValue: try reader.string())
        let streamID = try reader.optional { r throws(RecordReader.Malformed) in try r.int() }
        let index = try reader.int()
        let request = try readRequest(&reader)
        let interim = try reader.array { r throws(RecordReader.Malformed) in try readResponse(&r) }
        let response = try reader.optional { r throws(RecordReader.Malformed) in try readResponse(&r) }
        let problems = try reader.array { r throws(RecordReader.Malformed) in try r.string() }
        let switchedTo = try reader.optional { r throws(RecordReader.Malformed) in try r.string() }
        let grpc = try reader.optional { r throws(RecordReader.Malformed) in try readGRPC(&r) }
        var exchange = Exchange(
            id: id, connection: connection, applicationProtocol: applicationProtocol, streamID: streamID,
            indexOnConnection: index, request: request, interimResponses: interim, response: response,
            problems: problems, switchedTo: switchedTo
        )
        exchange.grpc = grpc
        try readHops(&reader, into: &exchange)
        return exchange
    }

    // MARK: - Connection

    private static func writeConnection(_ connection: ConnectionContext, to writer: inout RecordWriter) {
        writer.int(connection.id)
        writer.endpoint(connection.client)
        writer.endpoint(connection.server)
        writer.optional(connection.handshake) { writer, handshake in
            writer.time(handshake.synTime)
            writer.time(handshake.completedTime)
        }
        writer.optional(connection.tls) { writer, tls in
            writer.string(tls.version)
            writer.string(tls.cipherSuite)
            writer.optional(tls.serverName) { $0.string($1) }
            writer.array(tls.offeredALPN) { $0.string($1) }
            writer.optional(tls.alpn) { $0.string($1) }
            writer.bool(tls.resumed)
            writer.optional(tls.clientHelloTime) { $0.time($1) }
            writer.optional(tls.handshakeCompletedTime) { $0.time($1) }
            writer.optional(tls.notDecryptedReason) { $0.string($1) }
        }
    }

    private static func readConnection(_ reader: inout RecordReader) throws(RecordReader.Malformed) -> ConnectionContext {
        let id = try reader.int()
        let client = try reader.endpoint()
        let server = try reader.endpoint()
        let handshake = try reader.optional { r throws(RecordReader.Malformed) in
            HandshakeTiming(synTime: try r.time(), completedTime: try r.time())
        }
        let tls = try reader.optional { r throws(RecordReader.Malformed) in
            TLSSummary(
                version: try r.string(), cipherSuite: try r.string(),
                serverName: try r.optional { r throws(RecordReader.Malformed) in try r.string() },
                offeredALPN: try r.array { r throws(RecordReader.Malformed) in try r.string() },
                alpn: try r.optional { r throws(RecordReader.Malformed) in try r.string() },
                resumed: try r.bool(),
                clientHelloTime: try r.optional { r throws(RecordReader.Malformed) in try r.time() },
                handshakeCompletedTime: try r.optional { r throws(RecordReader.Malformed) in try r.time() },
                notDecryptedReason: try r.optional { r throws(RecordReader.Malformed) in try r.string() }
            )
        }
        return ConnectionContext(id: id, client: client, server: server, handshake: handshake, tls: tls)
    }

    // MARK: - Messages

    private static func writeRequest(_ request: HTTPRequestRecord, to writer: inout RecordWriter, maxBodyBytes: Int) {
        writer.string(request.method.rawValue)
        writer.string(request.target)
        writer.string(request.scheme)
        writer.optional(request.authority) { $0.string($1) }
        writer.string(request.version)
        writer.fields(request.headers)
        writer.optional(request.headSize) { $0.int($1) }
        writeBody(request.body, to: &writer, maxBodyBytes: maxBodyBytes)
        writer.time(request.firstByte)
        writer.time(request.lastByte)
    }

    private static func readRequest(_ reader: inout RecordReader) throws(RecordReader.Malformed) -> HTTPRequestRecord {
        HTTPRequestRecord(
            method: HTTPMethod(rawValue: try reader.string()), target: try reader.string(), scheme: try reader.string(),
            authority: try reader.optional { r throws(RecordReader.Malformed) in try r.string() },
            version: try reader.string(), headers: try reader.fields(),
            headSize: try reader.optional { r throws(RecordReader.Malformed) in try r.int() },
            body: try readBody(&reader), firstByte: try reader.time(), lastByte: try reader.time()
        )
    }

    private static func writeResponse(_ response: HTTPResponseRecord, to writer: inout RecordWriter, maxBodyBytes: Int) {
        writer.int(response.status.rawValue)
        writer.string(response.reason)
        writer.string(response.version)
        writer.fields(response.headers)
        writer.optional(response.headSize) { $0.int($1) }
        writeBody(response.body, to: &writer, maxBodyBytes: maxBodyBytes)
        writer.time(response.firstByte)
        writer.time(response.lastByte)
    }

    private static func readResponse(_ reader: inout RecordReader) throws(RecordReader.Malformed) -> HTTPResponseRecord {
        HTTPResponseRecord(
            status: HTTPStatusCode(rawValue: try reader.int()), reason: try reader.string(), version: try reader.string(),
            headers: try reader.fields(), headSize: try reader.optional { r throws(RecordReader.Malformed) in try r.int() },
            body: try readBody(&reader), firstByte: try reader.time(), lastByte: try reader.time()
        )
    }

    // MARK: - Bodies

    private static func writeBody(_ body: HTTPMessageBody, to writer: inout RecordWriter, maxBodyBytes: Int) {
        writer.bytes(kept(body.bytes, maxBodyBytes))
        writer.optional(body.decoded) { $0.bytes(kept($1, maxBodyBytes)) }
        writer.optional(body.decodedLength) { $0.int($1) }
        writer.int(body.length)
        writer.int(body.wireBytes)
        writer.int(body.missingBytes)
        writer.bool(body.isComplete)
        writer.array(body.contentCodings) { $0.string($1) }
        writer.optional(body.decodingError) { $0.string($1) }
        writer.fields(body.trailers)
    }

    private static func readBody(_ reader: inout RecordReader) throws(RecordReader.Malformed) -> HTTPMessageBody {
        let bytes = BodyStorage(try reader.bytes())
        let decoded = try reader.optional { r throws(RecordReader.Malformed) in BodyStorage(try r.bytes()) }
        return HTTPMessageBody(
            bytes: bytes, decoded: decoded,
            decodedLength: try reader.optional { r throws(RecordReader.Malformed) in try r.int() },
            length: try reader.int(), wireBytes: try reader.int(), missingBytes: try reader.int(),
            isComplete: try reader.bool(),
            contentCodings: try reader.array { r throws(RecordReader.Malformed) in try r.string() },
            decodingError: try reader.optional { r throws(RecordReader.Malformed) in try r.string() },
            trailers: try reader.fields()
        )
    }

    /// The first `limit` bytes of a body, in one buffer; what cannot be read back is left out (the
    /// body's `length` still counts it, so it shows as truncated).
    private static func kept(_ storage: BodyStorage, _ limit: Int) -> ByteBuffer {
        (try? storage.readAll(limit: limit)) ?? ByteBuffer()
    }

    // MARK: - gRPC

    private static func writeGRPC(_ call: GRPCSummary, to writer: inout RecordWriter, maxBodyBytes: Int) {
        writer.optional(call.service) { $0.string($1) }
        writer.optional(call.method) { $0.string($1) }
        writer.optional(call.status) { $0.int($1) }
        writer.optional(call.statusMessage) { $0.string($1) }
        writer.int(call.requestMessageCount)
        writer.int(call.responseMessageCount)
        for messages in [call.requestMessages, call.responseMessages] {
            writer.array(messages) { writer, message in
                writer.bool(message.isCompressed)
                writer.int(message.wireLength)
                writer.bytes(message.payload.getSlice(at: message.payload.readerIndex, length: min(maxBodyBytes, message.payload.readableBytes)) ?? ByteBuffer())
                writer.optional(message.decodingError) { $0.string($1) }
            }
        }
    }

    private static func readGRPC(_ reader: inout RecordReader) throws(RecordReader.Malformed) -> GRPCSummary {
        let readMessage = { (r: inout RecordReader) throws(RecordReader.Malformed) -> GRPCMessage in
            GRPCMessage(
                isCompressed: try r.bool(), wireLength: try r.int(), payload: try r.bytes(),
                decodingError: try r.optional { r throws(RecordReader.Malformed) in try r.string() }
            )
        }
        return GRPCSummary(
            service: try reader.optional { r throws(RecordReader.Malformed) in try r.string() },
            method: try reader.optional { r throws(RecordReader.Malformed) in try r.string() },
            status: try reader.optional { r throws(RecordReader.Malformed) in try r.int() },
            statusMessage: try reader.optional { r throws(RecordReader.Malformed) in try r.string() },
            requestMessageCount: try reader.int(), responseMessageCount: try reader.int(),
            requestMessages: try reader.array(readMessage), responseMessages: try reader.array(readMessage)
        )
    }
}
