/// The numeric protocol version of a message (RFC 9112 §2.3), parsed from its literal (`HTTP/1.1`).
public struct HTTPVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The major version.
    public var major: Int
    /// The minor version.
    public var minor: Int

    /// A version from its two numbers.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// HTTP/0.9: no head at all.
    public static let http0_9 = HTTPVersion(major: 0, minor: 9)
    /// HTTP/1.0: connections close after each response unless `keep-alive` is negotiated.
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    /// HTTP/1.1: persistent connections by default.
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    /// Orders versions by major, then minor number.
    public static func < (lhs: HTTPVersion, rhs: HTTPVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    /// `HTTP/1.1`.
    public var description: String { "HTTP/\(major).\(minor)" }
}
