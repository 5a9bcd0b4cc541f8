import HarkCore
import HarkFormat
import HarkHAR
import HarkModel
import NIOCore
import HarkStore

extension TimelineJSON {
    /// One exchange as the timeline draws it and the waterfall lists it.
    mutating func exchangeRow(_ row: ExchangeRow) {
        json.beginObject()
        json.member("id", row.id)
        json.member("conn", row.connectionID)
        json.member("proto", row.protocolLabel)
        json.key("stream")
        if let stream = row.streamID { json.integer(stream) } else { json.null() }
        json.member("method", row.method.rawValue)
        json.member("url", row.url)
        json.member("host", row.host)
        json.key("status")
        if let status = row.status { json.integer(Int(status.rawValue)) } else { json.null() }
        optionalString("type", row.contentType)
        json.member("reqSize", row.requestBodySize)
        json.member("respSize", row.responseBodySize)
        let timing = row.timing
        json.member("start", micros(timing.start))
        optionalTime("connectEnd", timing.connectEnd)
        optionalTime("tlsStart", timing.tlsStart)
        optionalTime("tlsEnd", timing.tlsEnd)
        json.member("reqStart", micros(timing.requestStart))
        json.member("reqEnd", micros(timing.requestEnd))
        optionalTime("respStart", timing.responseStart)
        optionalTime("respEnd", timing.responseEnd)
        json.member("problems", row.problemCount)
        json.key("grpc")
        if row.grpcService != nil || row.grpcMethod != nil || row.grpcStatus != nil {
            json.beginObject()
            optionalString("service", row.grpcService)
            optionalString("method", row.grpcMethod)
            json.key("status")
            if let status = row.grpcStatus { json.integer(status) } else { json.null() }
            json.endObject()
        } else {
            json.null()
        }
        optionalString("switchedTo", row.switchedTo)
        json.key("placeholder")
        json.bool(row.requestIsPlaceholder)
        json.endObject()
    }

    /// One exchange whole: heads, body previews (when `options.includesBodies`), problems, and its HAR
    /// entry (as a one-entry HAR log, which DevTools imports).
    mutating func exchangeDetail(_ exchange: Exchange) {
        json.beginObject()
        json.member("id", exchange.id)
        json.key("request")
        let request = exchange.request
        json.beginObject()
        json.member("method", request.method.rawValue)
        json.member("target", request.target)
        json.member("version", request.version)
        headers(request.headers)
        body(request.body, contentType: request.headers.first("content-type"))
        json.endObject()
        json.key("response")
        if let response = exchange.response {
            json.beginObject()
            json.member("status", Int(response.status.rawValue))
            json.member("reason", response.reason)
            json.member("version", response.version)
            headers(response.headers)
            body(response.body, contentType: response.headers.first("content-type"))
            json.endObject()
        } else {
            json.null()
        }
        json.key("interim")
        json.beginArray()
        for interim in exchange.interimResponses { json.integer(Int(interim.status.rawValue)) }
        json.endArray()
        json.key("problems")
        json.beginArray()
        for problem in exchange.problems { json.string(problem) }
        json.endArray()
        json.key("har")
        let entry = HAREntry(
            exchange: exchange,
            options: HARExportOptions(includeBodies: options.includesBodies, maxBodySize: options.maxBodyPreview)
        )
        let log = HARLog(creator: HARCreator(name: "hark", version: "web"), entries: [entry])
        if let document = try? HARWriter.document(log) {
            // The writer ends its document with a newline, which a JSON value does not need.
            let trimmed = document.last == UInt8(ascii: "\n") ? document.dropLast() : document[...]
            trimmed.withUnsafeBytes { json.rawValue($0) }
        } else {
            json.null()
        }
        json.endObject()
    }

    private mutating func headers(_ fields: HTTPFields) {
        json.key("headers")
        json.beginArray()
        for field in fields.fields {
            json.beginArray()
            json.string(field.name)
            json.string(field.value)
            json.endArray()
        }
        json.endArray()
    }

    /// A body: its sizes, and with `options.includesBodies` a preview of the content-decoded bytes, as
    /// text when they are UTF-8, else only said to be binary.
    private mutating func body(_ body: HTTPMessageBody, contentType: String?) {
        json.key("body")
        guard options.includesBodies else {
            json.null()
            return
        }
        json.beginObject()
        json.member("size", body.length)
        if let decoded = body.decodedLength { json.member("decodedSize", decoded) }
        optionalString("type", contentType)
        let content = body.content
        let shown = min(content.count, options.maxBodyPreview)
        if shown > 0, let prefix = try? content.readAll(limit: shown) {
            let bytes = Array(prefix.readableBytesView)
            if let text = Self.text(bytes, isWhole: shown == content.count) {
                json.member("text", text)
            } else {
                json.key("binary")
                json.bool(true)
            }
        }
        json.member("omitted", max(0, (body.decodedLength ?? body.length) - shown))
        json.endObject()
    }

    /// `bytes` as text when they are UTF-8 (a prefix may end inside a character: up to three bytes are
    /// dropped then), else nil.
    static func text(_ bytes: [UInt8], isWhole: Bool) -> String? {
        for drop in 0...(isWhole ? 0 : min(3, bytes.count)) {
            let candidate = bytes.dropLast(drop)
            if candidate.withUnsafeBufferPointer({ UTF8Validation.isValid($0) }) {
                return String(decoding: candidate, as: UTF8.self)
            }
        }
        return nil
    }
}
