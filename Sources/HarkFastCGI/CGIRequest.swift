public import HarkCore

/// An HTTP request rebuilt from a FastCGI request's CGI variables (RFC 3875 §4.1, LIVE-AND-VIEWS §8).
public struct CGIRequest: Sendable {
    /// `REQUEST_METHOD`; `-` when absent.
    public var method: HTTPMethod
    /// `REQUEST_URI`, else `SCRIPT_NAME` + `PATH_INFO` + `?QUERY_STRING`.
    public var target: String
    /// `REQUEST_SCHEME`, else `https` when `HTTPS` is `on`, else `http`.
    public var scheme: String
    /// `HTTP_HOST`, else `SERVER_NAME`; with `SERVER_PORT` when the name has no port and it is not the
    /// scheme's default.
    public var authority: String?
    /// `SERVER_PROTOCOL` (`HTTP/1.1`); empty when absent.
    public var version: String
    /// `HTTP_*` variables as header fields (`HTTP_USER_AGENT` → `User-Agent`), in the order sent, with
    /// `CONTENT_TYPE` and `CONTENT_LENGTH` where non-empty and not also sent as `HTTP_*`.
    public var headers: HTTPFields
    /// Every variable, in the order sent.
    public var variables: [(name: String, value: String)]

    /// Maps `variables` (as `PARAMS` carried them) to a request.
    public init(variables: [(name: String, value: String)]) {
        self.variables = variables
        var byName: [String: String] = [:]
        for (name, value) in variables where byName[name] == nil { byName[name] = value }
        func nonEmpty(_ name: String) -> String? { byName[name].flatMap { $0.isEmpty ? nil : $0 } }

        method = HTTPMethod(rawValue: nonEmpty("REQUEST_METHOD") ?? "-")
        if let uri = nonEmpty("REQUEST_URI") {
            target = uri
        } else {
            var path = (byName["SCRIPT_NAME"] ?? "") + (byName["PATH_INFO"] ?? "")
            if path.isEmpty { path = "/" }
            if let query = nonEmpty("QUERY_STRING") { path += "?" + query }
            target = path
        }
        if let named = nonEmpty("REQUEST_SCHEME") {
            scheme = named.lowercased()
        } else {
            let https = byName["HTTPS"]?.lowercased()
            scheme = https == "on" || https == "1" ? "https" : "http"
        }
        let port = nonEmpty("SERVER_PORT")
        let isDefaultPort = port == nil || port == (scheme == "https" ? "443" : "80")
        if let host = nonEmpty("HTTP_HOST") {
            // nginx's stock fastcgi_params send `$host`, which drops the port: SERVER_PORT puts it back.
            let hasPort = host.hasPrefix("[") ? host.contains("]:") : host.contains(":")
            authority = hasPort || isDefaultPort ? host : "\(host):\(port ?? "")"
        } else if let name = nonEmpty("SERVER_NAME") {
            authority = isDefaultPort ? name : "\(name):\(port ?? "")"
        } else {
            authority = nil
        }
        version = byName["SERVER_PROTOCOL"] ?? ""

        var fields: [HTTPFields.Field] = []
        for (name, value) in variables {
            if name.hasPrefix("HTTP_"), name.count > 5 {
                fields.append(HTTPFields.Field(name: Self.headerName(name.dropFirst(5)), value: value))
            } else if name == "CONTENT_TYPE" || name == "CONTENT_LENGTH", !value.isEmpty, byName["HTTP_" + name] == nil {
                fields.append(HTTPFields.Field(name: Self.headerName(Substring(name)), value: value))
            }
        }
        headers = HTTPFields(fields)
    }

    /// `USER_AGENT` → `User-Agent`.
    static func headerName(_ variable: Substring) -> String {
        variable.split(separator: "_", omittingEmptySubsequences: false)
            .map { word in word.prefix(1).uppercased() + word.dropFirst().lowercased() }
            .joined(separator: "-")
    }
}
