public import HarkCore
public import NIOCore

/// The header section a CGI script writes before its body (RFC 3875 §6), read from `STDOUT`.
///
/// `Status: 302 Found` gives the status and reason and is not a header field; without it the status is
/// 302 when a `Location` is the only redirect sign (§6.2.3), else 200.
public struct CGIResponseHead: Hashable, Sendable {
    public var status: HTTPStatusCode
    /// The reason from `Status`, or the standard one for 200 and 302.
    public var reason: String
    /// The header fields other than `Status`, in the order written.
    public var headers: HTTPFields
    /// Bytes of the head, blank line included.
    public var length: Int
    /// Lines that are not `name: value`, kept out of `headers`.
    public var malformedLines: Int

    /// The end of the head in `bytes` (the offset after its blank line, `\r\n\r\n` or `\n\n`); nil
    /// while it has not come.
    public static func end(in bytes: ByteBuffer) -> Int? {
        let view = bytes.readableBytesView
        var lineStart = view.startIndex
        while let newline = view[lineStart...].firstIndex(of: ASCII.lf) {
            let line = view[lineStart..<newline]
            if line.isEmpty || (line.count == 1 && line.first == ASCII.cr) {
                return newline + 1 - view.startIndex
            }
            lineStart = newline + 1
        }
        return nil
    }

    /// Parses a complete head (as `end(in:)` delimits it).
    public init(_ head: ByteBuffer) {
        length = head.readableBytes
        status = .ok
        reason = "OK"
        var fields: [HTTPFields.Field] = []
        var statusField: String?
        malformedLines = 0
        for rawLine in head.readableBytesView.split(separator: ASCII.lf, omittingEmptySubsequences: true) {
            let bytes = rawLine.last == ASCII.cr ? rawLine.dropLast() : rawLine
            let line = Substring(String(decoding: bytes, as: UTF8.self))
            if line.isEmpty { continue }
            guard let colon = line.firstIndex(of: ":"), colon > line.startIndex else {
                malformedLines += 1
                continue
            }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingBlanks()
            if name.lowercased() == "status", statusField == nil {
                statusField = value
            } else {
                fields.append(HTTPFields.Field(name: name, value: value))
            }
        }
        headers = HTTPFields(fields)
        if let statusField {
            let digits = statusField.prefix { $0.isASCII && $0.isNumber }
            if digits.count == 3, let code = Int(digits) {
                status = HTTPStatusCode(rawValue: code)
                reason = Substring(statusField.dropFirst(3)).trimmingBlanks()
            } else {
                malformedLines += 1
            }
        } else if headers.contains("Location") {
            status = HTTPStatusCode(rawValue: 302)
            reason = "Found"
        }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    fileprivate func trimmingBlanks() -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return "" }
        return String(self[first...last])
    }
}
