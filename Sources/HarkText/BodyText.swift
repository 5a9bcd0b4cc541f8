import HarkCore
import HarkFormat
package import HarkModel
import NIOCore

/// How a body is shown in a trace: text lines (content-decoded, JSON re-indented) up to a byte limit,
/// or a one-line summary for binary content, plus notes on what the capture lacks.
package struct BodyText {
    /// Lines to print, without indentation or direction marker; empty when there is no body.
    package var lines: [String] = []
    /// Bracketed notes to print after the lines (`[… cut after 4.1 kB; the body has 85.4 kB]`,
    /// `[binary 12.3 kB image/png]`).
    package var notes: [String] = []

    /// Bodies larger than this are printed as they are, not re-indented as JSON.
    static let maximumIndentedBytes = 1 << 18

    /// Whether `body`'s content decoding stopped at `decodedBytesUsed` (`TraceOptions`), the cap a
    /// trace sets: the decoded size is then unknown, not an error.
    static func stoppedDecoding(_ body: HTTPMessageBody, decodedBytesUsed: Int?) -> Bool {
        guard let decodedBytesUsed, body.decoded != nil, let length = body.decodedLength else { return false }
        return length >= decodedBytesUsed
    }

    /// Text prepared for printing: at least the first `limit` bytes of it, and whether that is all.
    private struct Prepared {
        var bytes: [UInt8]
        var isWhole: Bool
    }

    /// - Parameters:
    ///   - body: the body.
    ///   - contentType: the message's `Content-Type`, if any.
    ///   - limit: bytes of text to print at most.
    ///   - decodedBytesUsed: the cap on decoded bytes the trace set (`TraceOptions.decodedBytesUsed`),
    ///     if any: a body decoded up to it says that it was decoded only as far as printed.
    package init(_ body: HTTPMessageBody, contentType: String?, limit: Int, decodedBytesUsed: Int? = nil) {
        if body.missingBytes > 0 {
            notes.append("[\(ByteCountFormat.short(Int64(body.missingBytes))) of the body missing from the capture]")
        }
        if body.isTruncated {
            notes.append(
                "[only the first \(ByteCountFormat.short(Int64(body.bytes.count))) of "
                    + "\(ByteCountFormat.short(Int64(body.length))) were kept]"
            )
        }
        let codings = body.contentCodings.joined(separator: ", ")
        if body.decoded == nil, !body.contentCodings.isEmpty, !body.bytes.isEmpty {
            let reason = body.decodingError.map { ": \(TerminalText.clean($0))" } ?? ""
            notes.insert("[\(ByteCountFormat.short(Int64(body.length))) \(codings) not decoded\(reason)]", at: 0)
            return
        }
        if let error = body.decodingError, !Self.stoppedDecoding(body, decodedBytesUsed: decodedBytesUsed) {
            notes.append("[content decoding: \(TerminalText.clean(error))]")
        }
        let content = body.content
        guard !content.isEmpty else { return }
        let mediaType = Self.mediaType(contentType)
        let limit = max(0, limit)
        // Only what printing can use is read: all of a body small enough to re-indent, else a little
        // more than the limit (a large body may be on disk).
        let examined = content.count <= Self.maximumIndentedBytes ? content.count : limit &+ 4
        let start: ByteBuffer
        do {
            start = try content.readAll(limit: examined)
        } catch {
            notes.insert("[body not shown: \(error)]", at: 0)
            return
        }
        let isWhole = start.readableBytes == content.count
        guard let text = Self.text(start, isWhole: isWhole, mediaType: mediaType, limit: limit) else {
            let type = mediaType.map { " " + TerminalText.clean($0) } ?? ""
            notes.insert("[binary \(ByteCountFormat.short(Int64(content.count)))\(type)]", at: 0)
            return
        }
        let shown = Self.prefix(text.bytes, maximumBytes: limit)
        lines = shown.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            return TerminalText.clean(String(decoding: trimmed, as: UTF8.self))
        }
        if lines.last == "" { lines.removeLast() }
        if shown.count < text.bytes.count || !text.isWhole {
            let cut = "[… cut after \(ByteCountFormat.short(Int64(shown.count)));"
            let rest = Self.stoppedDecoding(body, decodedBytesUsed: decodedBytesUsed)
                ? "decoded no further than printed"
                : "the body has \(ByteCountFormat.short(Int64(content.count)))"
            notes.insert("\(cut) \(rest)]", at: 0)
        }
    }

    /// The media type without parameters, lowercased: `text/html; charset=utf-8` → `text/html`.
    static func mediaType(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        let type = contentType.prefix { $0 != ";" }.trimmingSpaces.lowercased()
        return type.isEmpty ? nil : type
    }

    /// The text to print (JSON re-indented), or nil when the content is binary: holding
    /// control characters other than whitespace and escape, or not UTF-8 without a textual media type
    /// (text declared as such but not UTF-8 is read as ISO-8859-1, as old pages often are). `content`
    /// is the start of the body, all of it when `isWhole`; the verdict is then on that start only.
    private static func text(_ content: ByteBuffer, isWhole: Bool, mediaType: String?, limit: Int) -> Prepared? {
        let bytes = content.readableBytesView
        let hasControls = bytes.contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0x0C && $0 != 0x1B }
        guard !hasControls else { return nil }
        // A little more than the limit, so that the cut can find a character boundary.
        let wanted = limit &+ 4
        var validator = UTF8StreamValidator()
        content.withUnsafeReadableBytes { validator.feed($0.assumingMemoryBound(to: UInt8.self)) }
        guard isWhole ? validator.isComplete : validator.isValid else {
            guard let mediaType, isTextual(mediaType) else { return nil }
            var latin1 = String.UnicodeScalarView()
            latin1.append(contentsOf: bytes.prefix(wanted).map { Unicode.Scalar($0) })
            return Prepared(bytes: Array(String(latin1).utf8), isWhole: isWhole && bytes.count <= wanted)
        }
        let looksLikeJSON = mediaType.map { $0.hasSuffix("json") } ?? false
            || bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }).map {
                $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[")
            } ?? false
        if looksLikeJSON, isWhole, bytes.count <= maximumIndentedBytes,
            let indented = JSONPrettyPrinter.indent(bytes, outputLimit: wanted)
        {
            return Prepared(bytes: indented.text, isWhole: indented.isWhole)
        }
        return Prepared(bytes: Array(bytes.prefix(wanted)), isWhole: isWhole && bytes.count <= wanted)
    }

    /// Whether a media type names text: `text/*`, JSON, XML, JavaScript, form data.
    private static func isTextual(_ mediaType: String) -> Bool {
        mediaType.hasPrefix("text/") || mediaType.hasSuffix("json") || mediaType.hasSuffix("xml")
            || mediaType.hasSuffix("javascript") || mediaType == "application/x-www-form-urlencoded"
    }

    /// At most `maximumBytes` of `text`, cut at a character boundary.
    private static func prefix(_ text: [UInt8], maximumBytes: Int) -> ArraySlice<UInt8> {
        guard text.count > maximumBytes else { return text[...] }
        var end = max(0, maximumBytes)
        // Back off over continuation bytes (10xxxxxx) so no character is split.
        while end > 0, end < text.count, text[end] & 0xC0 == 0x80 {
            end -= 1
        }
        return text[..<end]
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let start = firstIndex { !isSpace($0) } ?? endIndex
        let end = lastIndex { !isSpace($0) }.map { index(after: $0) } ?? start
        return self[start..<end]
    }
}
