/// A content coding token from a `Content-Encoding` header (RFC 9110 §8.4.1), lower-cased.
///
/// A struct rather than an enum so that codings hark cannot decode (`compress`, `zstd`, typos) still
/// survive, show in output and can be reported by name.
public struct ContentCoding: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The token, lower-cased.
    public var rawValue: String

    /// A coding from its token; the token is lower-cased.
    public init(rawValue: String) {
        self.rawValue = rawValue.lowercased()
    }

    /// `gzip`: a gzip file (RFC 1952), possibly several concatenated members.
    public static let gzip = ContentCoding(rawValue: "gzip")
    /// `x-gzip`: an old alias of `gzip` (RFC 9110 §8.4.1.3).
    public static let xGzip = ContentCoding(rawValue: "x-gzip")
    /// `deflate`: a zlib stream (RFC 1950); many servers send raw deflate (RFC 1951) instead, which is
    /// accepted too.
    public static let deflate = ContentCoding(rawValue: "deflate")
    /// `br`: Brotli (RFC 7932).
    public static let brotli = ContentCoding(rawValue: "br")
    /// `identity`: no transformation.
    public static let identity = ContentCoding(rawValue: "identity")

    /// Whether hark can decode this coding.
    public var isSupported: Bool {
        switch self {
        case .gzip, .xGzip, .deflate, .brotli, .identity: true
        default: false
        }
    }

    /// The token.
    public var description: String { rawValue }

    /// The codings listed in one or more `Content-Encoding` field values, in the order they were applied
    /// (RFC 9110 §8.4: "listed in the order in which they were applied"); empty list elements are skipped.
    ///
    /// - Parameter fieldValues: each `Content-Encoding` field value, in header order.
    /// - Returns: the codings, outermost last.
    public static func list(fromFieldValues fieldValues: some Sequence<String>) -> [ContentCoding] {
        var codings: [ContentCoding] = []
        for value in fieldValues {
            for element in value.split(separator: ",") {
                var token = element.drop { $0 == " " || $0 == "\t" }
                while let last = token.last, last == " " || last == "\t" { token = token.dropLast() }
                guard !token.isEmpty else { continue }
                codings.append(ContentCoding(rawValue: String(token)))
            }
        }
        return codings
    }
}
