/// Which message's headers a header field looks at.
enum HeaderScope: Hashable, Sendable {
    /// `header.NAME`: the request's or the response's.
    case either
    /// `req.header.NAME`.
    case request
    /// `resp.header.NAME`.
    case response
}

/// A field of the language, resolved from its name (names are case-insensitive).
enum FilterField: Hashable, Sendable {
    case host
    case method
    case path
    case url
    case status
    case latency
    case requestSize
    case responseSize
    case contentType
    /// A header by its lower-cased name.
    case header(HeaderScope, name: String)
    case proto
    case ip
    case port
    case client
    case server
    case connection
    case stream
    /// `grpc-status` of a gRPC call.
    case grpcStatus
    /// A gRPC call's `/package.Service/Method`.
    case grpcMethod
    /// The text of a message on an upgraded connection (a WebSocket text message); exchanges lack it.
    case messageText

    /// What kind of value a field holds, which decides its operators and how its values are read.
    enum Kind: Hashable, Sendable {
        case text
        case status
        case duration
        case size
        case number
        case protocolName
        case address
        case endpoint
    }

    /// The names users write, in the order error messages list them.
    static let knownNames = [
        "host", "method", "path", "url", "status", "latency", "req.size", "resp.size", "content-type",
        "header.NAME", "req.header.NAME", "resp.header.NAME", "proto", "ip", "port", "client", "server",
        "conn", "stream", "grpc.status", "grpc.method", "msg",
    ]

    /// The fields connections have (the rest belong to HTTP exchanges).
    static let connectionNames = ["proto", "ip", "port", "client", "server", "conn"]

    /// The field called `name` (case-insensitive; `request.`/`response.` stand for `req.`/`resp.`), or
    /// nil. A header prefix without a valid name resolves to nil too.
    static func named(_ name: String) -> FilterField? {
        var lowered = name.lowercased()
        if lowered.hasPrefix("request.") { lowered = "req." + lowered.dropFirst("request.".count) }
        if lowered.hasPrefix("response.") { lowered = "resp." + lowered.dropFirst("response.".count) }
        for (prefix, scope) in [("header.", HeaderScope.either), ("req.header.", .request), ("resp.header.", .response)]
        where lowered.hasPrefix(prefix) {
            let header = String(lowered.dropFirst(prefix.count))
            guard !header.isEmpty, header.utf8.allSatisfy(isHeaderNameByte) else { return nil }
            return .header(scope, name: header)
        }
        switch lowered {
        case "host": return .host
        case "method": return .method
        case "path": return .path
        case "url": return .url
        case "status": return .status
        case "latency": return .latency
        case "req.size": return .requestSize
        case "resp.size": return .responseSize
        case "content-type": return .contentType
        case "proto": return .proto
        case "ip": return .ip
        case "port": return .port
        case "client": return .client
        case "server": return .server
        case "conn", "tcp.stream": return .connection
        case "stream": return .stream
        case "grpc.status": return .grpcStatus
        case "grpc.method": return .grpcMethod
        case "msg", "message", "ws.text": return .messageText
        default: return nil
        }
    }

    /// The field's canonical spelling, for messages.
    var name: String {
        switch self {
        case .host: "host"
        case .method: "method"
        case .path: "path"
        case .url: "url"
        case .status: "status"
        case .latency: "latency"
        case .requestSize: "req.size"
        case .responseSize: "resp.size"
        case .contentType: "content-type"
        case .header(.either, let name): "header.\(name)"
        case .header(.request, let name): "req.header.\(name)"
        case .header(.response, let name): "resp.header.\(name)"
        case .proto: "proto"
        case .ip: "ip"
        case .port: "port"
        case .client: "client"
        case .server: "server"
        case .connection: "conn"
        case .stream: "stream"
        case .grpcStatus: "grpc.status"
        case .grpcMethod: "grpc.method"
        case .messageText: "msg"
        }
    }

    var kind: Kind {
        switch self {
        case .host, .method, .path, .url, .contentType, .header, .grpcMethod, .messageText: .text
        case .status: .status
        case .latency: .duration
        case .requestSize, .responseSize: .size
        case .port, .connection, .stream, .grpcStatus: .number
        case .proto: .protocolName
        case .ip: .address
        case .client, .server: .endpoint
        }
    }

    /// Whether text comparisons ignore ASCII case: host names, media types and header values do;
    /// methods (RFC 9110 §9.1), paths and URLs do not.
    var ignoresCase: Bool {
        switch self {
        case .host, .contentType, .header: true
        default: false
        }
    }

    /// Whether an exchange can lack the field, so that `exists` and `missing` mean something.
    var canBeMissing: Bool {
        switch self {
        case .status, .responseSize, .contentType, .header, .stream, .grpcStatus, .grpcMethod, .messageText: true
        default: false
        }
    }

    /// Whether connections have the field.
    var isConnectionField: Bool {
        switch self {
        case .proto, .ip, .port, .client, .server, .connection: true
        default: false
        }
    }

    /// The comparison operators the field takes.
    var operators: [ComparisonOperator] {
        switch kind {
        case .text: [.equal, .notEqual, .matches, .notMatches]
        case .status, .duration, .size, .number: [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
        case .protocolName, .address, .endpoint: [.equal, .notEqual]
        }
    }

    /// What values the field takes, in words, for hints.
    var valueDescription: String {
        switch self {
        case .status: "a number or a class like 4xx"
        case .latency: "a duration such as 250us, 100ms or 1.5s (a bare number is milliseconds)"
        case .requestSize, .responseSize: "a byte count such as 512, 10kB or 2MiB"
        case .port: "a port number from 0 to 65535"
        case .connection, .stream: "a whole number"
        case .grpcStatus: "a gRPC status code such as 0 (OK) or 14 (UNAVAILABLE)"
        case .grpcMethod: "/package.Service/Method or package.Service/Method, a glob such as */SayHello, or a regular expression after ~"
        case .proto: "one of " + ProtocolName.allCases.map(\.rawValue).joined(separator: ", ")
        case .ip: "an IP address or a CIDR block: 10.0.0.1, 10.0.0.0/8, ::1"
        case .client, .server: "an address with or without a port: 10.0.0.1:80, [::1]:443, 10.0.0.0/8"
        case .host, .method, .path, .url, .contentType, .header:
            "text, a glob such as *.example.com, or a regular expression after ~"
        case .messageText: "text, a glob such as *error*, or a regular expression after ~"
        }
    }

    /// RFC 9110 §5.6.2 tchar, less the characters the language uses itself.
    static func isHeaderNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "^"),
            UInt8(ascii: "`"):
            true
        default: false
        }
    }
}

/// A comparison between a field and a value.
enum ComparisonOperator: Hashable, Sendable {
    case equal
    case notEqual
    case less
    case lessOrEqual
    case greater
    case greaterOrEqual
    /// `~`: the value is a regular expression that matches somewhere in the field.
    case matches
    /// `!~`.
    case notMatches

    var spelling: String {
        switch self {
        case .equal: "="
        case .notEqual: "!="
        case .less: "<"
        case .lessOrEqual: "<="
        case .greater: ">"
        case .greaterOrEqual: ">="
        case .matches: "~"
        case .notMatches: "!~"
        }
    }

    /// Whether the operator is the negation of another (`!=`, `!~`), evaluated as `not` around it.
    var isNegated: Bool { self == .notEqual || self == .notMatches }
}
