/// A request method token (RFC 9110 §9), kept exactly as sent.
///
/// A struct rather than an enum so that extension and unknown methods (`PROPFIND`, `M-SEARCH`) survive.
/// Methods are case-sensitive (RFC 9110 §9.1): `get` is not `GET`.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The token as it appeared on the request line.
    public var rawValue: String

    /// A method from its token, kept as is.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// RFC 9110 §9.3.1.
    public static let get = HTTPMethod(rawValue: "GET")
    /// RFC 9110 §9.3.2: the response has no body, whatever its headers say.
    public static let head = HTTPMethod(rawValue: "HEAD")
    /// RFC 9110 §9.3.3.
    public static let post = HTTPMethod(rawValue: "POST")
    /// RFC 9110 §9.3.4.
    public static let put = HTTPMethod(rawValue: "PUT")
    /// RFC 9110 §9.3.5.
    public static let delete = HTTPMethod(rawValue: "DELETE")
    /// RFC 9110 §9.3.6: a 2xx response turns the connection into a tunnel.
    public static let connect = HTTPMethod(rawValue: "CONNECT")
    /// RFC 9110 §9.3.7.
    public static let options = HTTPMethod(rawValue: "OPTIONS")
    /// RFC 9110 §9.3.8.
    public static let trace = HTTPMethod(rawValue: "TRACE")
    /// RFC 5789.
    public static let patch = HTTPMethod(rawValue: "PATCH")

    /// The token.
    public var description: String { rawValue }
}
