public import HarkCore

/// A cookie sent or set (HAR 1.2 `cookies[]`). Attributes are written only when known: a cookie from a
/// `Cookie` request header has just a name and a value.
public struct HARCookie: Hashable, Sendable {
    /// The `SameSite` attribute (RFC 6265bis §5.6.7), written as `sameSite`, the member Chrome
    /// adds to HAR 1.2 cookies.
    public struct SameSite: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let strict = SameSite(rawValue: "Strict")
        public static let lax = SameSite(rawValue: "Lax")
        public static let none = SameSite(rawValue: "None")
    }

    /// The cookie name (empty for a nameless cookie, RFC 6265bis §5.6).
    public var name: String
    /// The cookie value as sent, quotes included.
    public var value: String
    /// The `Path` attribute.
    public var path: String?
    /// The `Domain` attribute as sent (a leading dot and letter case kept, as Chrome writes it).
    public var domain: String?
    /// When the cookie expires: from `Max-Age` (which wins, RFC 6265 §5.3 step 3) when the response
    /// time is known, else from `Expires`.
    public var expires: HARDateTime?
    /// Whether `HttpOnly` was set.
    public var httpOnly: Bool?
    /// Whether `Secure` was set.
    public var secure: Bool?
    /// The `SameSite` attribute.
    public var sameSite: SameSite?

    public init(
        name: String,
        value: String,
        path: String? = nil,
        domain: String? = nil,
        expires: HARDateTime? = nil,
        httpOnly: Bool? = nil,
        secure: Bool? = nil,
        sameSite: SameSite? = nil
    ) {
        self.name = name
        self.value = value
        self.path = path
        self.domain = domain
        self.expires = expires
        self.httpOnly = httpOnly
        self.secure = secure
        self.sameSite = sameSite
    }
}

extension HARCookie {
    /// The cookies of one `Cookie` request header value: `a=1; b=2`. Pieces are trimmed of spaces and
    /// tabs; empty pieces are skipped; a piece without `=` is a value with an empty name (RFC 6265bis §5.6).
    public static func parse(cookieHeader value: String) -> [HARCookie] {
        value.split(separator: ";", omittingEmptySubsequences: true).compactMap { piece in
            let (name, value) = splitNameValue(piece)
            return name.isEmpty && value.isEmpty ? nil : HARCookie(name: name, value: value)
        }
    }

    /// The cookies of every `Cookie` header in `headers` (HTTP/2 may send several).
    public static func parse(cookieHeadersIn headers: [HARHeader]) -> [HARCookie] {
        var cookies: [HARCookie] = []
        for header in headers where header.name.equalsIgnoringASCIICase("cookie") {
            cookies += parse(cookieHeader: header.value)
        }
        return cookies
    }

    /// The cookie of one `Set-Cookie` header value, parsed as RFC 6265 §5.2 says a user agent does, or
    /// nil when both name and value are empty.
    ///
    /// - Parameters:
    ///   - value: the header value, e.g. `id=a3fWa; Max-Age=2592000; Path=/; Secure; HttpOnly`.
    ///   - receivedAt: when the response arrived, to turn `Max-Age` into an expiry date; without it
    ///     only `Expires` sets `expires`.
    public static func parse(setCookie value: String, receivedAt: Timestamp? = nil) -> HARCookie? {
        var pieces = value.split(separator: ";", omittingEmptySubsequences: false)[...]
        guard let pair = pieces.popFirst() else { return nil }
        let (name, cookieValue) = splitNameValue(pair)
        guard !(name.isEmpty && cookieValue.isEmpty) else { return nil }
        var cookie = HARCookie(name: name, value: cookieValue, httpOnly: false, secure: false)
        var maxAgeExpiry: HARDateTime?
        for attribute in pieces {
            let (attributeName, attributeValue) = splitAttribute(attribute)
            switch attributeName.lowercased() {
            case "expires":
                if let date = CookieDate.parse(attributeValue) { cookie.expires = date }
            case "max-age":
                if let receivedAt, let delta = parseDeltaSeconds(attributeValue) {
                    maxAgeExpiry = expiry(after: delta, from: receivedAt)
                }
            case "domain":
                // As sent, as Chrome writes it (a leading dot and letter case kept).
                if !attributeValue.isEmpty { cookie.domain = attributeValue }
            case "path":
                if attributeValue.hasPrefix("/") { cookie.path = attributeValue }
            case "secure": cookie.secure = true
            case "httponly": cookie.httpOnly = true
            case "samesite":
                switch attributeValue.lowercased() {
                case "strict": cookie.sameSite = .strict
                case "lax": cookie.sameSite = .lax
                case "none": cookie.sameSite = SameSite.none
                default: break
                }
            default: break
            }
        }
        if let maxAgeExpiry { cookie.expires = maxAgeExpiry }
        return cookie
    }

    /// The cookies of every `Set-Cookie` header in `headers`, one per header.
    public static func parse(setCookieHeadersIn headers: [HARHeader], receivedAt: Timestamp? = nil) -> [HARCookie] {
        headers.compactMap { header in
            header.name.equalsIgnoringASCIICase("set-cookie") ? parse(setCookie: header.value, receivedAt: receivedAt) : nil
        }
    }

    /// Splits `name=value` at the first `=`, trimming both; without `=` the whole piece is the value.
    private static func splitNameValue(_ piece: Substring) -> (String, String) {
        guard let equals = piece.firstIndex(of: "=") else { return ("", piece.trimmingHTTPWhitespace()) }
        return (piece[..<equals].trimmingHTTPWhitespace(), piece[piece.index(after: equals)...].trimmingHTTPWhitespace())
    }

    /// Splits an attribute at the first `=`; without `=` the whole piece is the name.
    private static func splitAttribute(_ piece: Substring) -> (String, String) {
        guard let equals = piece.firstIndex(of: "=") else { return (piece.trimmingHTTPWhitespace(), "") }
        return (piece[..<equals].trimmingHTTPWhitespace(), piece[piece.index(after: equals)...].trimmingHTTPWhitespace())
    }

    /// RFC 6265 §5.2.2: `Max-Age` must be an optional `-` and digits; saturates instead of overflowing.
    private static func parseDeltaSeconds(_ text: String) -> Int64? {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var value: Int64 = 0
        for character in digits.utf8 {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(character) else { return nil }
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(character - UInt8(ascii: "0")))
            value = overflow || overflow2 ? .max : sum
        }
        return negative ? -value : value
    }

    /// RFC 6265 §5.2.2: zero or negative means "the earliest representable date", for which the Unix
    /// epoch serves (every reader parses it); saturates far in the future.
    private static func expiry(after delta: Int64, from start: Timestamp) -> HARDateTime {
        guard delta > 0 else { return HARDateTime(millisecondsSinceEpoch: 0) }
        let (milliseconds, overflow) = delta.multipliedReportingOverflow(by: 1000)
        let (sum, overflow2) = HARDateTime(start).millisecondsSinceEpoch.addingReportingOverflow(milliseconds)
        return HARDateTime(millisecondsSinceEpoch: overflow || overflow2 ? HARDateTime.latest : min(sum, HARDateTime.latest))
    }
}
