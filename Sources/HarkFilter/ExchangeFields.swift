import HarkCore
import HarkModel

/// Field values read out of an exchange as slices of its own strings, so that comparing them allocates
/// nothing.
enum ExchangeFields {
    /// The host the request named, without the port: from the authority (`:authority`, an absolute
    /// target's host, or `Host`), else the server's address.
    static func host(of request: HTTPRequestRecord, server: Endpoint) -> Substring {
        guard let authority = request.authority, !authority.isEmpty else { return Substring(server.address.description) }
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
    static func path(of target: String) -> Substring {
        var rest = target[...]
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
    static func mediaType(_ value: String) -> Substring {
        let utf8 = value.utf8
        var end = utf8.firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex
        var start = utf8.startIndex
        while start < end, ASCII.isBlank(utf8[start]) { start = utf8.index(after: start) }
        while end > start, ASCII.isBlank(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        return value[start..<end]
    }

    /// A gRPC call's method as its path, `/package.Service/Method`; nil unless the exchange is a gRPC
    /// call whose path named both. Built only for gRPC exchanges, when a filter asks for it.
    static func grpcMethod(of exchange: Exchange) -> String? {
        guard let call = exchange.grpc, let service = call.service, let method = call.method else { return nil }
        return "/" + service + "/" + method
    }

    /// Whether any field called `name` (ASCII case-insensitive) has a value the pattern matches.
    static func anyValue(of name: String, in headers: HTTPFields, matches pattern: TextPattern) -> Bool {
        for field in headers.fields where ASCIICase.equal(field.name, lowercased: name) {
            if pattern.matches(field.value[...]) { return true }
        }
        return false
    }

    /// Whether any field called `name` is present.
    static func contains(_ name: String, in headers: HTTPFields) -> Bool {
        headers.fields.contains { ASCIICase.equal($0.name, lowercased: name) }
    }
}
