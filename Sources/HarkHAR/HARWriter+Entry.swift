import HarkCore
import HarkFormat

extension HARWriter {
    /// Writes one `entries[]` element: the spec's members in the spec's order, then hark's, then custom.
    mutating func writeEntry(_ entry: HAREntry) throws {
        output.beginObject()
        lastEntryStart = byteCount - 1
        if let pageref = entry.pageref {
            output.key("pageref")
            output.string(pageref)
        }
        output.key("startedDateTime")
        output.dateTime(HARDateTime(entry.startedDateTime))
        output.key("time")
        output.milliseconds(thousandths: entry.timings.totalThousandths)
        output.key("request")
        try writeRequest(entry.request)
        output.key("response")
        try writeResponse(entry.response)
        output.key("cache")
        output.beginObject()
        if let comment = entry.cache.comment {
            output.key("comment")
            output.string(comment)
        }
        output.endObject()
        output.key("timings")
        output.timings(entry.timings)
        if let address = entry.serverIPAddress {
            output.key("serverIPAddress")
            output.ipAddress(address)
        }
        if let connection = entry.connection {
            output.key("connection")
            output.string(connection)
        }
        if let comment = entry.comment {
            output.key("comment")
            output.string(comment)
        }
        try writeHarkFields(of: entry)
        output.customFields(entry.custom)
        output.endObject()
    }

    private mutating func writeRequest(_ request: HARRequest) throws {
        output.beginObject()
        output.key("method")
        output.string(request.method)
        output.key("url")
        output.string(request.url)
        output.key("httpVersion")
        output.string(request.httpVersion)
        output.key("cookies")
        writeCookies(request.cookies, redacted: configuration.redaction?.coversRequestCookies ?? false)
        output.key("headers")
        writeHeaders(request.headers)
        output.key("queryString")
        output.beginArray()
        for parameter in request.queryString {
            output.nameValue(parameter.name, parameter.value)
        }
        output.endArray()
        if let postData = request.postData {
            output.key("postData")
            try writePostData(postData)
        }
        output.key("headersSize")
        output.integer(max(request.headersSize, -1))
        output.key("bodySize")
        output.integer(max(request.bodySize, -1))
        writeTrailers(request.trailers)
        output.customFields(request.custom)
        output.endObject()
    }

    private mutating func writePostData(_ postData: HARPostData) throws {
        output.beginObject()
        output.key("mimeType")
        output.string(postData.mimeType)
        output.key("text")
        let binary = postData.text?.isWrittenAsBase64 ?? false
        var failure: BodyStorageError?
        if let text = postData.text {
            // HAR 1.2 has no encoding for postData: like Chrome, text is the body decoded as UTF-8
            // (U+FFFD for what is not), and `_textBase64` keeps the exact bytes.
            failure = binary ? try writeLossyText(text.bytes) : try writeBody(text.bytes, base64: false)
            if binary {
                output.key("_textBase64")
                failure = try writeBody(text.bytes, base64: true) ?? failure
            }
        } else {
            output.string("")
        }
        writeCutComment(postData.text, failure)
        if !postData.params.isEmpty {
            output.key("params")
            output.beginArray()
            for parameter in postData.params { output.param(parameter) }
            output.endArray()
        }
        output.endObject()
    }

    private mutating func writeResponse(_ response: HARResponse) throws {
        output.beginObject()
        output.key("status")
        output.integer(max(response.status, 0))
        output.key("statusText")
        output.string(response.statusText)
        output.key("httpVersion")
        output.string(response.httpVersion)
        output.key("cookies")
        writeCookies(response.cookies, redacted: configuration.redaction?.coversResponseCookies ?? false)
        output.key("headers")
        writeHeaders(response.headers)
        output.key("content")
        try writeContent(response.content)
        output.key("redirectURL")
        output.string(response.redirectURL)
        output.key("headersSize")
        output.integer(max(response.headersSize, -1))
        output.key("bodySize")
        output.integer(max(response.bodySize, -1))
        if let transferSize = response.transferSize {
            output.key("_transferSize")
            output.integer(max(transferSize, 0))
        }
        if let error = response.error {
            output.key("_error")
            output.string(error)
        }
        writeTrailers(response.trailers)
        output.customFields(response.custom)
        output.endObject()
    }

    private mutating func writeContent(_ content: HARContent) throws {
        output.beginObject()
        output.key("size")
        output.integer(max(content.size, 0))
        if let compression = content.compression {
            output.key("compression")
            output.integer(compression)
        }
        output.key("mimeType")
        if content.mimeType.isEmpty {
            output.string("x-unknown")
        } else {
            output.string(content.mimeType)
        }
        if let text = content.text {
            let base64 = text.isWrittenAsBase64
            output.key("text")
            let failure = try writeBody(text.bytes, base64: base64)
            if base64 {
                output.key("encoding")
                output.string("base64")
            }
            writeCutComment(text, failure)
        }
        output.endObject()
    }

    /// Writes a `comment` saying the text is not the whole body: cut to a maximum size, or cut short
    /// because the body's file could not be read back.
    private mutating func writeCutComment(_ body: HARBody?, _ failure: BodyStorageError?) {
        var notes: [String] = []
        if let body, let uncut = body.uncutLength { notes.append("text cut to its first \(body.bytes.count) of \(uncut) bytes") }
        if let failure { notes.append("text cut short: \(failure)") }
        guard !notes.isEmpty else { return }
        output.key("comment")
        output.string(notes.joined(separator: "; "))
    }
}
