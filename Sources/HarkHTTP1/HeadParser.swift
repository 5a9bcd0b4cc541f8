import HarkCore
/// Turns the bytes of a complete head into a `ParsedHead`, building each string once.
enum HeadParser {
    /// Parses a head whose start line was already checked.
    ///
    /// - Parameters:
    ///   - bytes: the head from its first byte through the blank line, or as far as it was captured
    ///     when a gap or the end of the stream cut it (an unfinished last line is left out).
    ///   - startLine: the ranges found by `StartLine.check`.
    ///   - firstFieldLine: index of the line after the start line.
    ///   - maxFields: fields beyond this many are dropped and reported.
    static func parse(
        _ bytes: UnsafeRawBufferPointer,
        startLine: StartLine,
        firstFieldLine: Int,
        maxFields: Int
    ) -> ParsedHead {
        let start: ParsedHead.Start
        let versionRange: Range<Int>
        var problems: [ParsedHead.Problem] = []
        switch startLine {
        case .request(let method, let target, let version, let isMalformed):
            start = .request(method: HTTPMethod(rawValue: string(bytes, method)), target: string(bytes, target))
            versionRange = version
            if isMalformed, let (lineEnd, _) = HeadScanner.line(in: bytes, from: 0) {
                problems.append(problem(.malformedRequestLine, bytes, 0..<lineEnd))
            }
        case .response(let version, let status, let reason):
            start = .response(status: HTTPStatusCode(rawValue: status), reason: string(bytes, reason))
            versionRange = version
        }
        let versionBytes = UnsafeRawBufferPointer(rebasing: bytes[versionRange])
        let isVersion = StartLine.versionLength(versionBytes, at: 0) == versionBytes.count
        var head = ParsedHead(
            start: start,
            version: String(decoding: versionBytes, as: UTF8.self),
            versionNumber: isVersion ? StartLine.versionNumber(versionBytes) : nil,
            headers: HTTPFields()
        )
        head.problems = problems
        var fields: [HTTPFields.Field] = []
        fields.reserveCapacity(16)
        parseFields(bytes, from: firstFieldLine, maxFields: maxFields, into: &fields, head: &head)
        head.headers = HTTPFields(fields)
        return head
    }

    /// Parses a trailer section (fields only, through the blank line).
    static func parseTrailers(_ bytes: UnsafeRawBufferPointer, maxFields: Int) -> (HTTPFields, [ParsedHead.Problem]) {
        var head = ParsedHead(
            start: .response(status: .absent, reason: ""),
            version: "",
            versionNumber: nil,
            headers: HTTPFields()
        )
        var fields: [HTTPFields.Field] = []
        parseFields(bytes, from: 0, maxFields: maxFields, into: &fields, head: &head)
        return (HTTPFields(fields), head.problems)
    }

    /// Reads field lines from `start` to the blank line, handling obs-fold (RFC 9112 §5.2), bare LF and
    /// whitespace before the colon, and noting the framing fields as it goes.
    private static func parseFields(
        _ bytes: UnsafeRawBufferPointer,
        from start: Int,
        maxFields: Int,
        into fields: inout [HTTPFields.Field],
        head: inout ParsedHead
    ) {
        var lineStart = start
        var droppedStart: Int?
        while let (contentEnd, next) = HeadScanner.line(in: bytes, from: lineStart), contentEnd > lineStart {
            defer { lineStart = next }
            let first = bytes[lineStart]
            if ASCII.isBlank(first) {
                // RFC 9112 §5.2: obs-fold; replace it with a space and keep the continuation.
                let text = trimmed(bytes, lineStart..<contentEnd)
                if droppedStart != nil { continue }
                guard var last = fields.popLast() else {
                    head.problems.append(problem(.malformedHeaderLine, bytes, lineStart..<contentEnd))
                    continue
                }
                if !text.isEmpty { last.value += last.value.isEmpty ? string(bytes, text) : " " + string(bytes, text) }
                fields.append(last)
                continue
            }
            guard
                let colon = HeadScanner.firstIndex(
                    of: ASCII.colon,
                    in: UnsafeRawBufferPointer(rebasing: bytes[..<contentEnd]),
                    from: lineStart
                )
            else {
                head.problems.append(problem(.malformedHeaderLine, bytes, lineStart..<contentEnd))
                continue
            }
            let name = trimmed(bytes, lineStart..<colon)
            guard !name.isEmpty else {
                head.problems.append(problem(.malformedHeaderLine, bytes, lineStart..<contentEnd))
                continue
            }
            guard fields.count < maxFields else {
                if droppedStart == nil { droppedStart = lineStart }
                continue
            }
            let value = trimmed(bytes, (colon + 1)..<contentEnd)
            let field = HTTPFields.Field(name: string(bytes, name), value: string(bytes, value))
            noteFramingField(name: UnsafeRawBufferPointer(rebasing: bytes[name]), field: field, head: &head)
            fields.append(field)
        }
        if let droppedStart {
            head.problems.append(
                ParsedHead.Problem(
                    kind: .tooManyHeaders,
                    offset: droppedStart,
                    length: lineStart - droppedStart,
                    detail: nil
                )
            )
        }
    }

    /// Records Content-Length, Transfer-Encoding, Upgrade and Content-Encoding, matched on the raw name.
    private static func noteFramingField(
        name: UnsafeRawBufferPointer,
        field: HTTPFields.Field,
        head: inout ParsedHead
    ) {
        switch name.count {
        case 14 where ASCII.equalIgnoringCase(name, lowercased: "content-length"):
            head.contentLength = BodyFraming.mergeContentLength(head.contentLength, field.value)
        case 17 where ASCII.equalIgnoringCase(name, lowercased: "transfer-encoding"):
            // RFC 9112 §6.1: chunked must be the final coding; a later field line wins.
            let last = field.value.split(separator: ",").last.map { $0.trimmingBlanks() } ?? ""
            head.transferEncoding = ASCII.equalIgnoringCase(last.utf8, "chunked".utf8) ? .chunked : .other
        case 7 where ASCII.equalIgnoringCase(name, lowercased: "upgrade"):
            head.upgrade = field.value
        case 16 where ASCII.equalIgnoringCase(name, lowercased: "content-encoding"):
            head.hasContentEncoding = true
        default:
            break
        }
    }

    private static func problem(_ kind: HTTP1Diagnostic.Kind, _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>)
        -> ParsedHead.Problem
    {
        let shown = range.lowerBound..<min(range.upperBound, range.lowerBound + 64)
        return ParsedHead.Problem(
            kind: kind,
            offset: range.lowerBound,
            length: range.count,
            detail: string(bytes, shown)
        )
    }

    /// `range` without leading and trailing SP/HTAB.
    private static func trimmed(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, ASCII.isBlank(bytes[lower]) { lower += 1 }
        while upper > lower, ASCII.isBlank(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// The bytes in `range` as a string (invalid UTF-8 repaired, as header bytes are often Latin-1).
    @inline(__always)
    private static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}

extension Substring {
    /// The substring without leading and trailing SP/HTAB.
    func trimmingBlanks() -> Substring {
        var result = self.drop { $0 == " " || $0 == "\t" }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
