/// A response status code (RFC 9110 §15).
///
/// A struct so that unregistered codes (`299`, `599`) survive; `absent` (0) marks an HTTP/0.9 response,
/// which has no status line.
public struct HTTPStatusCode: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The three-digit code, or 0 when the response had no status line.
    public var rawValue: Int

    /// A status from its numeric code.
    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// No status line: an HTTP/0.9 response, all body.
    public static let absent = HTTPStatusCode(rawValue: 0)
    /// RFC 9110 §15.2.1.
    public static let `continue` = HTTPStatusCode(rawValue: 100)
    /// RFC 9110 §15.2.2: the connection switches to the protocol named in `Upgrade`.
    public static let switchingProtocols = HTTPStatusCode(rawValue: 101)
    /// RFC 8297.
    public static let earlyHints = HTTPStatusCode(rawValue: 103)
    /// RFC 9110 §15.3.1.
    public static let ok = HTTPStatusCode(rawValue: 200)
    /// RFC 9110 §15.3.5: never has a body.
    public static let noContent = HTTPStatusCode(rawValue: 204)
    /// RFC 9110 §15.3.7.
    public static let partialContent = HTTPStatusCode(rawValue: 206)
    /// RFC 9110 §15.4.5: never has a body.
    public static let notModified = HTTPStatusCode(rawValue: 304)

    /// 1xx: an interim response; the final one follows.
    public var isInformational: Bool { (100..<200).contains(rawValue) }
    /// 2xx.
    public var isSuccess: Bool { (200..<300).contains(rawValue) }

    /// Orders codes numerically.
    public static func < (lhs: HTTPStatusCode, rhs: HTTPStatusCode) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The code in decimal.
    public var description: String { String(rawValue) }
}
