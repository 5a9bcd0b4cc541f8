public import HarkCore
import HarkModel

/// Field values read out of an exchange as slices of its own strings, so that comparing them allocates
/// nothing. Public so that other `FilterSubject`s derive them the same way.
public enum ExchangeFields {
    /// The host the request named, without the port: from the authority (`:authority`, an absolute
    /// target's host, or `Host`), else the server's address.
    public static func host(authority: Substring?, server: Endpoint) -> Substring {
        guard let authority, !authority.isEmpty else { return Substring(server.address.description) }
        let utf8 = authority.utf8
        if utf8.first == UInt8(ascii: "[") {
            let start = utf8.index(after: utf8.startIndex)
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "]")) ?? utf8.endIndex
            return authority[start..<end]
        }
        return authority[..<(utf8.firstIndex(of: UInt8(ascii: ":")) ?? utf8.endIndex)]
    }

    /// The path of a request target: without scheme and authority when absolute, without the query
    /// and fragment. `*` and CONNECT's `host:port` come back as they are.
    public static func path(of target: Substring) -> Substring {
        var rest = target
        let schemeLength = rest.hasPrefix("http://") ? 7 : rest.hasPrefix("https://") ? 8 : 0
        if schemeLength > 0 {
            let utf8 = rest.utf8[rest.utf8.index(rest.startIndex, offsetBy: schemeLength)...]
            guard let slash = utf8.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }),
                utf8[slash] == UInt8(ascii: "/")
            else { return "/" }
            rest = rest[slash...]
        }
        let end = rest.utf8.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? rest.endIndex
        return rest[..<end]
    }

    /// The response's `Content-Type`, else the request's.
    static func contentType(of exchange: Exchange) -> String? {
        exchange.response?.headers.first("content-type") ?? exchange.request.headers.first("content-type")
    }

    /// A `Content-Type` value's media type: before any `;`, without surrounding blanks.
    static func mediaType(_ value: Substring) -> Substring {
        let utf8 = value.utf8
        var end = utf8.firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex
        var start = utf8.startIndex
        while start < end, ASCII.isBlank(utf8[start]) { start = utf8.index(after: start) }
        while end > start, ASCII.isBlank(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        return value[start..<end]
    }

    /// A gRPC call's method as its path, `/package.Service/Method`; nil unless the call's path named
    /// both. Built only for gRPC exchanges, when a filter asks for it.
    public static func grpcMethod(service: String?, method: String?) -> String? {
        guard let service, let method else { return nil }
        return "/" + service + "/" + method
    }
}
