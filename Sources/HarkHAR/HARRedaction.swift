/// Which headers to keep out of a HAR file, and how, applied by `HARWriter` as it writes.
///
/// Chrome's "Export HAR (sanitized)" drops the `Cookie` and `Authorization` request headers and the
/// `Set-Cookie` response headers, and empties both `cookies` arrays (devtools-frontend
/// `front_end/models/har/Log.ts`, `options.sanitize`). `.chromeSanitized` does exactly that and also
/// covers `Proxy-Authorization`. With `.replaceValue(_)` the headers stay, their values replaced,
/// and cookies keep their names with the value replaced, which shows that a credential was sent
/// without revealing it.
///
/// Trailers (`_trailers`) are redacted like headers. A `Cookie` name in `headerNames` redacts request
/// cookies; `Set-Cookie` redacts response cookies.
public struct HARRedaction: Hashable, Sendable {
    /// What happens to a covered header.
    public enum Style: Hashable, Sendable {
        /// Leave the header out (and empty the matching `cookies` array), as Chrome's sanitized export does.
        case remove
        /// Keep the header with this value instead (and replace every matching cookie's value).
        case replaceValue(String)
    }

    /// The covered header names, lower-cased.
    public let headerNames: Set<String>
    /// What happens to covered headers.
    public var style: Style
    /// `headerNames` as bytes, scanned linearly: the list is short and the check must not allocate.
    private let lowercasedNames: [[UInt8]]

    /// Authorization, Cookie, Set-Cookie and Proxy-Authorization, removed.
    public static let chromeSanitized = HARRedaction(
        headerNames: ["Authorization", "Cookie", "Set-Cookie", "Proxy-Authorization"],
        style: .remove
    )

    /// - Parameters:
    ///   - headerNames: header names to cover, in any case.
    ///   - style: what happens to covered headers.
    public init(headerNames: Set<String>, style: Style) {
        let lowercased = Set(headerNames.map { $0.lowercased() })
        self.headerNames = lowercased
        self.style = style
        self.lowercasedNames = lowercased.sorted().map { Array($0.utf8) }
    }

    /// Whether `name` is covered, ignoring ASCII case.
    public func covers(_ name: String) -> Bool {
        for candidate in lowercasedNames where candidate.count == name.utf8.count {
            if zip(candidate, name.utf8).allSatisfy({ $0 == $1.asciiLowercased }) { return true }
        }
        return false
    }

    /// Whether request cookies (from `Cookie`) are covered.
    var coversRequestCookies: Bool { covers("cookie") }
    /// Whether response cookies (from `Set-Cookie`) are covered.
    var coversResponseCookies: Bool { covers("set-cookie") }
}
