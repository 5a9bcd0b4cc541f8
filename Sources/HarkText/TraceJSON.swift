import HarkCore
import HarkFormat
import HarkHAR
import HarkModel
import NIOCore

/// The members of `--json` trace objects. Field names are stable and documented in the README; a
/// field that does not apply is `null` rather than missing, so every object of a type has the same
/// keys (except the `--headers` and `--bodies` additions).
enum TraceJSON {
    /// `{"type":"exchange", …}`.
    static func exchange(_ exchange: Exchange, options: TraceOptions, to json: inout JSONWriter) {
        let request = exchange.request
        let response = exchange.response
        json.member("type", "exchange")
        json.member("id", exchange.id)
        json.member("connection", exchange.connection.id)
        time("time", request.firstByte, to: &json)
        json.member("client", exchange.connection.client.description)
        json.member("server", exchange.connection.server.description)
        json.member("protocol", exchange.applicationProtocol.rawValue)
        json.key("stream_id")
        optional(exchange.streamID, to: &json)
        json.member("method", request.method.rawValue)
        json.member("url", request.url(server: exchange.connection.server))
        json.member("host", request.host(server: exchange.connection.server))
        json.member("target", request.target)
        json.member("http_version", request.version)
        json.key("status")
        optional(response.flatMap { $0.status == .absent ? nil : $0.status.rawValue }, to: &json)
        json.key("reason")
        optional(response.map(\.reason), to: &json)
        json.key("interim_statuses")
        json.beginArray()
        for interim in exchange.interimResponses { json.integer(interim.status.rawValue) }
        json.endArray()
        json.key("latency_ms")
        if response == nil { json.null() } else { json.milliseconds(exchange.duration) }
        json.key("ttfb_ms")
        if let response { json.milliseconds(response.firstByte.since(request.firstByte)) } else { json.null() }
        json.key("request_packets")
        json.packetSpan(request.packets)
        json.key("response_packets")
        json.packetSpan(response?.packets)
        json.member("request_body_bytes", request.body.length)
        json.key("response_body_bytes")
        optional(response?.body.length, to: &json)
        json.key("request_content_type")
        optional(request.headers.first("content-type"), to: &json)
        json.key("response_content_type")
        optional(response?.headers.first("content-type"), to: &json)
        json.key("complete")
        json.bool(exchange.isComplete)
        json.key("problems")
        json.beginArray()
        for problem in exchange.problems { json.string(problem) }
        json.endArray()
        json.key("switched_to")
        optional(exchange.switchedTo, to: &json)
        json.key("grpc_status")
        optional(exchange.grpc?.status, to: &json)
        json.key("grpc_method")
        optional(grpcMethod(exchange.grpc), to: &json)
        fastCGI(exchange, to: &json)
        json.key("tls")
        if let tls = exchange.connection.tls { TLSText.json(tls, to: &json) } else { json.null() }
        if options.showHeaders {
            json.key("request_headers")
            fields(request.headers, to: &json)
            json.key("response_headers")
            if let response { fields(response.headers, to: &json) } else { json.null() }
        }
        if options.showBodies {
            json.key("request_body")
            body(request.body, options: options, to: &json)
            json.key("response_body")
            if let response { body(response.body, options: options, to: &json) } else { json.null() }
            // A gRPC call's messages with their protobuf fields, in the form of HAR's `_grpc`.
            json.key("grpc")
            if let call = exchange.grpc { json.grpc(HARGRPC(call, options: HARExportOptions())) } else { json.null() }
        }
    }

    /// `{"type":"ws_message", …}`: one message of a protocol the connection switched to; the type is
    /// the protocol's name followed by `_message`.
    static func message(_ message: ConnectionMessage, options: TraceOptions, to json: inout JSONWriter) {
        json.member("type", message.applicationProtocol.rawValue + "_message")
        json.member("id", message.id)
        json.member("connection", message.connection.id)
        json.key("exchange")
        optional(message.exchangeID, to: &json)
        json.key("stream_id")
        optional(message.streamID.map(Int.init), to: &json)
        time("time", message.firstByte, to: &json)
        time("end_time", message.lastByte, to: &json)
        json.key("packets")
        json.packetSpan(message.packets)
        json.member("client", message.connection.client.description)
        json.member("server", message.connection.server.description)
        json.member("protocol", message.applicationProtocol.rawValue)
        json.member("from", message.direction == .clientToServer ? "client" : "server")
        json.member("opcode", message.opcode)
        json.member("kind", message.kind)
        json.member("frames", message.frameCount)
        json.member("size", message.payload.length)
        json.member("wire_size", message.payload.wireBytes)
        json.key("compressed")
        json.bool(!message.payload.contentCodings.isEmpty)
        json.key("complete")
        json.bool(message.payload.isComplete)
        json.key("problem")
        optional(message.payload.decodingError, to: &json)
        json.key("close_code")
        optional(message.closeCode, to: &json)
        json.key("close_reason")
        optional(message.closeReason, to: &json)
        if options.showBodies {
            json.key("payload")
            body(message.payload, options: options, to: &json)
        }
    }

    /// `[["Host","example.com"], …]`: pairs in wire order, so repeated fields and their order survive.
    private static func fields(_ fields: HTTPFields, to json: inout JSONWriter) {
        json.beginArray()
        for field in fields {
            json.beginArray()
            json.string(field.name)
            json.string(field.value)
            json.endArray()
        }
        json.endArray()
    }

    /// A body: sizes, codings, and its first `maximumBodyBytes` as `text` (UTF-8) or `base64`. A body
    /// decoded only as far as printed (`TraceOptions.decodedBytesUsed`) has no `decoded_size` and no
    /// `omitted_bytes`, and its `decoding_error` says so.
    private static func body(_ body: HTTPMessageBody, options: TraceOptions, to json: inout JSONWriter) {
        let limit = options.maximumBodyBytes
        let stopped = BodyText.stoppedDecoding(body, decodedBytesUsed: options.showBodies ? options.decodedBytesUsed : nil)
        let content = body.content
        // The start of the body, one byte past the limit to see whether the cut splits a character (only
        // that much is read: a large body may be on disk). A body that cannot be read back shows empty.
        let start = (try? content.readAll(limit: max(limit, 0) &+ 1)) ?? ByteBuffer()
        let view = start.readableBytesView
        var length = min(max(limit, 0), view.count)
        // Cut at a character boundary: back off over UTF-8 continuation bytes (10xxxxxx).
        while length > 0, length < view.count, view[view.startIndex &+ length] & 0xC0 == 0x80 {
            length -= 1
        }
        let shown = start.getSlice(at: start.readerIndex, length: length) ?? ByteBuffer()
        let isText = shown.readableBytesView.withContiguousStorageIfAvailable { UTF8Validation.isValid($0) }
            ?? UTF8Validation.isValid(shown.readableBytesView)
        json.beginObject()
        json.member("size", body.length)
        json.key("decoded_size")
        optional(stopped ? nil : body.decodedLength, to: &json)
        json.key("content_encoding")
        json.beginArray()
        for coding in body.contentCodings { json.string(coding) }
        json.endArray()
        json.key("text")
        if isText { json.string(String(decoding: shown.readableBytesView, as: UTF8.self)) } else { json.null() }
        json.key("base64")
        if isText {
            json.null()
        } else {
            json.beginString()
            shown.readableBytesView.withContiguousStorageIfAvailable { Base64.write($0, to: &json.buffer) }
            json.endString()
        }
        json.key("omitted_bytes")
        optional(stopped ? nil : content.count &- shown.readableBytes, to: &json)
        json.member("missing_bytes", body.missingBytes)
        json.key("decoding_error")
        optional(stopped ? "decoded only as far as printed (\(options.decodedBytesUsed - 1) bytes)" : body.decodingError, to: &json)
        json.endObject()
    }

    static func time(_ name: StaticString, _ timestamp: Timestamp, to json: inout JSONWriter) {
        json.key(name)
        json.iso8601(CivilDateTime(timestamp), fractionDigits: 6)
    }

    /// A gRPC call's method as its path, `/package.Service/Method`; nil when the path did not name both.
    static func grpcMethod(_ call: GRPCSummary?) -> String? {
        guard let service = call?.service, let method = call?.method else { return nil }
        return "/" + service + "/" + method
    }

    static func optional(_ value: Int?, to json: inout JSONWriter) {
        if let value { json.integer(value) } else { json.null() }
    }

    static func optional(_ value: String?, to json: inout JSONWriter) {
        if let value { json.string(value) } else { json.null() }
    }
}
