import HarkCore
import HarkFormat
import HarkHAR
import HarkModel
import NIOCore

extension TimelineJSON {
    /// One exchange whole, as the server answers for the page: heads, body previews (when
    /// `options.includesBodies`), problems, and its HAR entry (as a one-entry HAR log, which DevTools
    /// imports).
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

    /// One exchange's details in a report, in the order of the document's exchanges: an array of the
    /// request's version, headers and body, the response (null when none was captured: status, reason,
    /// version, headers, body), the interim statuses and the problems. Headers are flat lists of
    /// string positions (name, value, name, value…); bodies are null unless `options.includesBodies`.
    /// The page builds the HAR entry from these and the exchange's columns.
    mutating func compactDetail(_ exchange: Exchange) {
        let request = exchange.request
        json.beginArray()
        stringIndex(request.version)
        compactHeaders(request.headers)
        body(request.body, contentType: request.headers.first("content-type"), named: false)
        if let response = exchange.response {
            json.beginArray()
            json.integer(Int(response.status.rawValue))
            stringIndex(response.reason)
            stringIndex(response.version)
            compactHeaders(response.headers)
            body(response.body, contentType: response.headers.first("content-type"), named: false)
            json.endArray()
        } else {
            json.null()
        }
        json.beginArray()
        for interim in exchange.interimResponses { json.integer(Int(interim.status.rawValue)) }
        json.endArray()
        json.beginArray()
        for problem in exchange.problems { json.integer(strings.index(problem)) }
        json.endArray()
        json.endArray()
    }

    private mutating func compactHeaders(_ fields: HTTPFields) {
        json.beginArray()
        for field in fields.fields {
            json.integer(strings.index(field.name))
            json.integer(strings.index(field.value))
        }
        json.endArray()
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
    /// text when they are UTF-8, else only said to be binary; null without `includesBodies`.
    private mutating func body(_ body: HTTPMessageBody, contentType: String?, named: Bool = true) {
        if named { json.key("body") }
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
