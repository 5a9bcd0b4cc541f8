import HarkModel

/// The values `proto` takes.
enum ProtocolName: String, CaseIterable, Hashable, Sendable {
    case http1
    case h2
    /// For an exchange, the WebSocket handshake (`Upgrade: websocket` answered by 101); for a
    /// connection, one that carried WebSocket.
    case ws
    /// An exchange whose request's `Content-Type` is `application/grpc…`; no connection matches.
    case grpc
    /// For an exchange, one sent over TLS (`https`); for a connection, one that carried TLS.
    case tls
    /// FastCGI between a web server and an application server: its exchanges and connections.
    case fcgi
    /// A connection whose bytes hark does not decode; no exchange matches.
    case unknown
    /// A connection with no payload; no exchange matches.
    case none

    /// The protocol called `name`, case-insensitively, with the usual other spellings (`http2`,
    /// `http/1.1`, `websocket`, `https`).
    init?(named name: String) {
        switch name.lowercased() {
        case "http1", "http/1", "http/1.0", "http/1.1", "http1.1", "http": self = .http1
        case "h2", "http2", "http/2", "h2c": self = .h2
        case "ws", "websocket", "wss": self = .ws
        case "grpc": self = .grpc
        case "fcgi", "fastcgi": self = .fcgi
        case "tls", "ssl", "https": self = .tls
        case "unknown": self = .unknown
        case "none": self = .none
        default: return nil
        }
    }

    /// The connection-level protocol this name stands for; nil for `grpc`, which only exchanges show.
    var applicationProtocol: ApplicationProtocol? {
        switch self {
        case .http1: .http1
        case .h2: .http2
        case .ws: .webSocket
        case .fcgi: .fastCGI
        case .tls: .tls
        case .unknown: .unknown
        case .none: ApplicationProtocol.none
        case .grpc: nil
        }
    }
}
