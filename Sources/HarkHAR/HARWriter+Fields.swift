import HarkCore
import HarkFormat
import NIOCore

extension HARWriter {
    /// Input bytes per piece of a long body between flush checks; a multiple of 3 so base64 pieces
    /// concatenate without padding.
    static let bodyChunk = 3 << 14

    /// Writes body bytes as one JSON string, escaped or base64, reading them in pieces and flushing
    /// between pieces, so that a huge body (on disk) is never in memory whole and does not grow the buffer.
    ///
    /// - Returns: nil, or why the body's file could not be read back: the string then ends where
    ///   reading stopped, still valid JSON.
    /// - Throws: the sink's error.
    mutating func writeBody(_ body: BodyStorage, base64: Bool) throws -> BodyStorageError? {
        output.beginString()
        defer { output.endString() }
        var chunks = body.chunks(maxChunk: HARWriter.bodyChunk)
        while true {
            let piece: ByteBuffer
            do {
                guard let next = try chunks.next() else { return nil }
                piece = next
            } catch {
                return error
            }
            piece.withUnsafeReadableBytes { raw in
                let input = raw.assumingMemoryBound(to: UInt8.self)
                if base64 {
                    Base64.write(input, to: &output.buffer)
                } else {
                    output.appendEscaped(input)
                }
            }
            try flushIfFull()
        }
    }

    /// Writes a `headers` array, leaving out or masking the headers `configuration.redaction` covers.
    mutating func writeHeaders(_ headers: [HARHeader]) {
        output.beginArray()
        for header in headers {
            if let redaction = configuration.redaction, redaction.covers(header.name) {
                switch redaction.style {
                case .remove: continue
                case .replaceValue(let replacement): output.nameValue(header.name, replacement)
                }
            } else {
                output.nameValue(header.name, header.value)
            }
        }
        output.endArray()
    }

    /// Writes `_trailers` when there are any, redacted like headers.
    mutating func writeTrailers(_ trailers: [HARHeader]) {
        guard !trailers.isEmpty else { return }
        output.key("_trailers")
        writeHeaders(trailers)
    }

    /// Writes a `cookies` array; when `redacted`, empty (style `.remove`) or with values replaced.
    mutating func writeCookies(_ cookies: [HARCookie], redacted: Bool) {
        output.beginArray()
        var replacement: String?
        if redacted, let redaction = configuration.redaction {
            switch redaction.style {
            case .remove:
                output.endArray()
                return
            case .replaceValue(let value): replacement = value
            }
        }
        for cookie in cookies { output.cookie(cookie, value: replacement ?? cookie.value) }
        output.endArray()
    }

    /// Writes `_resourceType`, `_streamId`, `_tls`, `_grpc` and `_webSocketMessages` when set.
    mutating func writeHarkFields(of entry: HAREntry) throws {
        if let resourceType = entry.resourceType {
            output.key("_resourceType")
            output.string(resourceType)
        }
        if let streamID = entry.streamID {
            output.key("_streamId")
            output.integer(streamID)
        }
        if let tls = entry.tls {
            output.key("_tls")
            output.beginObject()
            output.optionalMember("version", tls.version)
            output.optionalMember("cipherSuite", tls.cipherSuite)
            output.optionalMember("serverName", tls.serverName)
            output.optionalMember("alpn", tls.alpn)
            output.endObject()
        }
        if let grpc = entry.grpc {
            output.key("_grpc")
            output.grpc(grpc)
        }
        if !entry.webSocketMessages.isEmpty {
            output.key("_webSocketMessages")
            output.beginArray()
            for message in entry.webSocketMessages {
                output.beginObject()
                output.key("type")
                output.string(message.type.rawValue)
                output.key("time")
                output.fixed(message.time.nanoseconds / 1000, decimals: 6)
                output.key("opcode")
                output.integer(Int(message.opcode))
                output.key("data")
                let isText = message.opcode == 1 && !HARBody(message.data).isWrittenAsBase64
                // A payload that cannot be read back from disk is written as far as it could be read.
                _ = try writeBody(message.data, base64: !isText)
                output.endObject()
            }
            output.endArray()
        }
    }
}

extension JSONWriter {
    /// Writes `{"name": …, "value": …}` (headers, query parameters).
    mutating func nameValue(_ name: String, _ value: String) {
        beginObject()
        key("name")
        string(name)
        key("value")
        string(value)
        endObject()
    }

    /// Writes `"key": value` when `value` is not nil.
    mutating func optionalMember(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        member(name, value)
    }

    /// Writes a `params[]` element.
    mutating func param(_ parameter: HARParam) {
        beginObject()
        key("name")
        string(parameter.name)
        optionalMember("value", parameter.value)
        optionalMember("fileName", parameter.fileName)
        optionalMember("contentType", parameter.contentType)
        endObject()
    }

    /// Writes a `cookies[]` element with `value` as its value.
    mutating func cookie(_ cookie: HARCookie, value: String) {
        beginObject()
        key("name")
        string(cookie.name)
        key("value")
        string(value)
        optionalMember("path", cookie.path)
        optionalMember("domain", cookie.domain)
        if let expires = cookie.expires {
            key("expires")
            dateTime(expires)
        }
        if let httpOnly = cookie.httpOnly {
            key("httpOnly")
            bool(httpOnly)
        }
        if let secure = cookie.secure {
            key("secure")
            bool(secure)
        }
        optionalMember("sameSite", cookie.sameSite?.rawValue)
        endObject()
    }

    /// Writes an address as a string: dotted quad, or RFC 5952 text for IPv6 (no brackets).
    mutating func ipAddress(_ address: IPAddress) {
        guard let value = address.ipv4Value else { return string(address.description) }
        beginString()
        buffer.appendDecimal(UInt64(value >> 24))
        buffer.append(UInt8(ascii: "."))
        buffer.appendDecimal(UInt64(value >> 16 & 0xFF))
        buffer.append(UInt8(ascii: "."))
        buffer.appendDecimal(UInt64(value >> 8 & 0xFF))
        buffer.append(UInt8(ascii: "."))
        buffer.appendDecimal(UInt64(value & 0xFF))
        endString()
    }
}
