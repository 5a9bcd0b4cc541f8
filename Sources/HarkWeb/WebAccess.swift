public import NIOHTTP1

/// Who may use a `hark web` server: the rules every request, the page's fetches and the live channel
/// included, must pass before anything is read or sent.
///
/// - The listening socket is bound to 127.0.0.1 only (`WebServer`), so other machines cannot connect.
/// - `Host` must name the server's own loopback address and port (`127.0.0.1:PORT` or
///   `localhost:PORT`): a page of another site whose DNS name was rebound to 127.0.0.1 sends its own
///   host name and is refused (403).
/// - `Origin`, when the browser sends one (cross-origin requests, `fetch` with a body, WebSockets), must be
///   the server's own origin: another site's scripts are refused (403).
/// - The per-run `token` must be in the query (`?token=…`) of every request: without it, a local user or
///   program that only knows the port gets 401. It is compared in constant time.
public struct WebAccess: Sendable {
    /// The secret printed in the URL: 32 random bytes in hex.
    public let token: String
    /// The port the server listens on (part of the accepted `Host` and `Origin`).
    public let port: Int

    public init(token: String, port: Int) {
        self.token = token
        self.port = port
    }

    /// A fresh random token from the system's generator (getrandom on Linux).
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for _ in 0..<32 {
            let byte = UInt8.random(in: 0...255, using: &generator)
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The refusal for a request, or nil when it may go on: 403 for a foreign `Host` or `Origin` (checked
    /// first: they say the request does not come from this server's page at all), 401 for a missing or
    /// wrong token.
    public func refusal(for head: HTTPRequestHead) -> HTTPResponseStatus? {
        let hosts = head.headers["host"]
        guard hosts.count == 1, let host = hosts.first, isOwnHost(host) else { return .forbidden }
        let origins = head.headers["origin"]
        if origins.count > 1 { return .forbidden }
        if let origin = origins.first, !isOwnOrigin(origin) { return .forbidden }
        guard let given = WebRequestTarget(head.uri).query("token"), Self.constantTimeEqual(given, token) else {
            return .unauthorized
        }
        return nil
    }

    private func isOwnHost(_ host: String) -> Bool {
        let lowered = host.lowercased()
        return lowered == "127.0.0.1:\(port)" || lowered == "localhost:\(port)"
    }

    private func isOwnOrigin(_ origin: String) -> Bool {
        let lowered = origin.lowercased()
        return lowered == "http://127.0.0.1:\(port)" || lowered == "http://localhost:\(port)"
    }

    /// Whether two strings are equal, in time that depends only on their lengths.
    static func constantTimeEqual(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8)
        let b = Array(right.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
