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
    public static func pattern(for target: String) -> String {
        var path = Substring(target)
        if let colon = path.firstIndex(of: ":"), path[colon...].hasPrefix("://"),
            path[..<colon].allSatisfy({ $0.isASCII && $0.isLetter })
        {
            let afterScheme = path[colon...].dropFirst(3)
            path = afterScheme.firstIndex(of: "/").map { afterScheme[$0...] } ?? "/"
        }
        if let end = path.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            path = path[..<end]
        }
        guard path.hasPrefix("/") else { return path.isEmpty ? "/" : String(path) }
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map(collapse)
            .joined(separator: "/")
    }

    /// `segment` with an identifier (the whole segment, or its name before the last `.`) replaced.
    private static func collapse(_ segment: Substring) -> String {
        if isNumber(segment) || isIdentifier(segment) { return placeholder }
        if let dot = segment.lastIndex(of: "."), dot != segment.startIndex, isIdentifier(segment[..<dot]) {
            return placeholder + segment[dot...]
        }
        return String(segment)
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

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
