/// Turns a request target into the path pattern that groups requests to the same endpoint:
/// `/users/1234/orders?page=2` → `/users/{id}/orders`.
///
/// The query and fragment are dropped; a path segment that is a number, a UUID, or a hex string of 8
/// or more characters containing a digit (hashes, object ids, long numbers) becomes `{id}`, and so
/// does the name of a file whose stem is a UUID or such a hex string (`/img/9c8a5795.png` →
/// `/img/{id}.png`, but `/css/960.css` stays). Absolute-form targets (`http://host/path`) keep their path only; targets that are
/// no path (`*`, CONNECT's `host:port`) are kept as they are.
public enum EndpointPattern {
    /// What replaces an identifier segment.
    public static let placeholder = "{id}"

    /// The pattern for `target`.
    ///
    /// Works on the target's UTF-8 bytes: every delimiter it looks for (`:`, `/`, `?`, `#`, `.`) is
    /// ASCII, and walking Characters (grapheme breaking) cost most of `hark stats` and `--otlp` time on
    /// long query strings.
    public static func pattern(for target: String) -> String {
        var path = Substring(target)
        let utf8 = path.utf8
        if let colon = utf8.firstIndex(of: UInt8(ascii: ":")), utf8[colon...].starts(with: "://".utf8),
            utf8[..<colon].allSatisfy(isASCIILetter)
        {
            let afterScheme = path[colon...].utf8.dropFirst(3)
            path = afterScheme.firstIndex(of: UInt8(ascii: "/")).map { path[$0...] } ?? "/"
        }
        if let end = path.utf8.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
            path = path[..<end]
        }
        guard path.utf8.first == UInt8(ascii: "/") else { return path.isEmpty ? "/" : String(path) }
        var pattern = ""
        pattern.reserveCapacity(path.utf8.count)
        var isFirst = true
        for segment in path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if !isFirst { pattern.append("/") }
            isFirst = false
            append(Substring(segment), collapsedTo: &pattern)
        }
        return pattern
    }

    /// Appends `segment` to `pattern` with an identifier (the whole segment, or its name before the
    /// last `.`) replaced.
    private static func append(_ segment: Substring, collapsedTo pattern: inout String) {
        if isNumber(segment) || isIdentifier(segment) {
            pattern.append(placeholder)
        } else if let dot = segment.utf8.lastIndex(of: UInt8(ascii: ".")), dot != segment.startIndex,
            isIdentifier(segment[..<dot])
        {
            pattern.append(placeholder)
            pattern.append(contentsOf: segment[dot...])
        } else {
            pattern.append(contentsOf: segment)
        }
    }

    /// Whether `text` is a decimal number.
    private static func isNumber(_ text: Substring) -> Bool {
        !text.utf8.isEmpty && text.utf8.allSatisfy(isDigit)
    }

    /// Whether `text` is a UUID, or 8 or more hex digits with at least one decimal digit.
    private static func isIdentifier(_ text: Substring) -> Bool {
        let utf8 = text.utf8
        if isUUID(utf8) { return true }
        return utf8.count >= 8 && utf8.allSatisfy(isHexDigit) && utf8.contains(where: isDigit)
    }

    /// `8-4-4-4-12` hex digits (RFC 9562 §4), any case.
    private static func isUUID(_ utf8: Substring.UTF8View) -> Bool {
        guard utf8.count == 36 else { return false }
        for (offset, byte) in utf8.enumerated() {
            let isDashPosition = offset == 8 || offset == 13 || offset == 18 || offset == 23
            if isDashPosition ? byte != UInt8(ascii: "-") : !isHexDigit(byte) { return false }
        }
        return true
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
