import HarkCore
public import HarkModel

/// Chrome's resource type for an exchange (`_resourceType`), inferred from what was on the wire.
///
/// Chrome knows what asked for each request; a capture does not, so the rule is, first match wins:
/// a WebSocket upgrade is `websocket`; a CORS preflight (`OPTIONS` with
/// `Access-Control-Request-Method`) is `preflight`; `Sec-Fetch-Dest`, which browsers send, maps to
/// Chrome's name for that destination (`document`, `iframe` and `frame` are `document`; `empty` is
/// `fetch`); a request whose `Accept` begins with `text/html` is a `document`; then the response's
/// `Content-Type` decides (`text/html` document, `text/css` stylesheet, JavaScript script, `image/*`,
/// `font/*`, `audio/*` and `video/*` media, `text/event-stream` eventsource, JSON, XML, gRPC and
/// form data fetch); anything else is `other`, Chrome's catch-all.
public enum HARResourceType {
    /// The resource type of `exchange`.
    public static func of(_ exchange: Exchange) -> String {
        if exchange.switchedTo == "websocket" { return "websocket" }
        let request = exchange.request
        if request.method.rawValue == "OPTIONS", request.headers.first("Access-Control-Request-Method") != nil {
            return "preflight"
        }
        if let destination = request.headers.first("Sec-Fetch-Dest"), let type = fetchDestination(destination) {
            return type
        }
        if let accept = request.headers.first("Accept"), accept.lowercased().hasPrefix("text/html") {
            return "document"
        }
        return contentType(exchange.response?.headers.first("Content-Type")) ?? "other"
    }

    /// Whether `exchange` is a top-level page load, by what the browser sent (a response's type alone
    /// does not tell: a missing favicon is answered with an HTML page): `Sec-Fetch-Dest: document`, or,
    /// from a client that does not send `Sec-Fetch-Dest`, a `GET` or `POST` whose `Accept` begins with
    /// `text/html` and whose response is not an image (older browsers ask for the favicon that way).
    public static func isTopLevelDocument(_ exchange: Exchange) -> Bool {
        let request = exchange.request
        if let destination = request.headers.first("Sec-Fetch-Dest") {
            return destination.trimmingHTTPWhitespace().lowercased() == "document"
        }
        let method = request.method.rawValue
        guard method == "GET" || method == "POST", let accept = request.headers.first("Accept"),
            accept.lowercased().hasPrefix("text/html")
        else { return false }
        return contentType(exchange.response?.headers.first("Content-Type")) != "image"
    }

    /// Chrome's resource type for a `Sec-Fetch-Dest` value (Fetch §request destination).
    static func fetchDestination(_ value: String) -> String? {
        switch value.trimmingHTTPWhitespace().lowercased() {
        case "document", "iframe", "frame", "embed", "object": return "document"
        case "style", "xslt": return "stylesheet"
        case "script", "worker", "sharedworker", "serviceworker", "audioworklet", "paintworklet": return "script"
        case "image": return "image"
        case "font": return "font"
        case "audio", "video", "track": return "media"
        case "manifest": return "manifest"
        case "report": return "ping"
        case "empty": return "fetch"
        default: return nil
        }
    }

    /// The resource type a response's media type suggests, or nil.
    static func contentType(_ value: String?) -> String? {
        guard let value else { return nil }
        let essence = value[..<(value.utf8.firstIndex(of: UInt8(ascii: ";")) ?? value.endIndex)]
            .trimmingHTTPWhitespace().lowercased()
        switch essence {
        case "text/html", "application/xhtml+xml": return "document"
        case "text/css": return "stylesheet"
        case "text/javascript", "application/javascript", "application/x-javascript": return "script"
        case "text/event-stream": return "eventsource"
        default: break
        }
        if essence.hasPrefix("image/") { return "image" }
        if essence.hasPrefix("font/") || essence.hasPrefix("application/font-") { return "font" }
        if essence.hasPrefix("audio/") || essence.hasPrefix("video/") { return "media" }
        if essence.hasSuffix("json") || essence.hasSuffix("xml") || essence.hasPrefix("application/grpc")
            || essence == "application/x-www-form-urlencoded" || essence == "application/dns-message"
        {
            return "fetch"
        }
        return nil
    }
}
