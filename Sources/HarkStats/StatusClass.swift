import HarkCore
public import HarkModel

/// How an exchange ended, by the class of its final status code (RFC 9110 §15), for counting.
public enum StatusClass: Int, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// 1xx as the final response (a `101 Switching Protocols`, or interim responses with nothing after).
    case informational
    /// 2xx.
    case success
    /// 3xx.
    case redirection
    /// 4xx.
    case clientError
    /// 5xx.
    case serverError
    /// A response without a status line (HTTP/0.9) or with a code outside 100–599.
    case other
    /// No response was captured.
    case noResponse

    /// The class of `response`, `.noResponse` when it is nil.
    public init(_ response: HTTPResponseRecord?) {
        guard let response else {
            self = .noResponse
            return
        }
        switch response.status.rawValue {
        case 100..<200: self = .informational
        case 200..<300: self = .success
        case 300..<400: self = .redirection
        case 400..<500: self = .clientError
        case 500..<600: self = .serverError
        default: self = .other
        }
    }

    /// `1xx` … `5xx`, `other`, `none`: the label in tables and the key in JSON.
    public var description: String {
        switch self {
        case .informational: "1xx"
        case .success: "2xx"
        case .redirection: "3xx"
        case .clientError: "4xx"
        case .serverError: "5xx"
        case .other: "other"
        case .noResponse: "none"
        }
    }
}

/// Exchange counts per ``StatusClass``.
public struct StatusCounts: Hashable, Sendable {
    private var counts = [Int](repeating: 0, count: StatusClass.allCases.count)

    /// All zero.
    public init() {}

    /// The count for one class.
    public subscript(statusClass: StatusClass) -> Int {
        get { counts.indices.contains(statusClass.rawValue) ? counts[statusClass.rawValue] : 0 }
        set {
            guard counts.indices.contains(statusClass.rawValue) else { return }
            counts[statusClass.rawValue] = newValue
        }
    }

    /// The sum over all classes.
    public var total: Int { counts.reduce(0, &+) }
}
