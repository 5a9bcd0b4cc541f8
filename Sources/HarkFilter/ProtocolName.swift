import HarkModel

/// The values `proto` takes.
enum ProtocolName: String, CaseIterable, Hashable, Sendable {
    case http1
    case h2
    /// HTTP/3 over QUIC: exchanges read from decrypted QUIC, connections that carried them.
    case h3
    /// QUIC: for an exchange, one that travelled over QUIC (HTTP/3, or the stand-in of a QUIC connection
    /// that was not decrypted); for a connection, any QUIC connection.
    case quic
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
        case "h3", "http3", "http/3": self = .h3
        case "quic": self = .quic
        case "ws", "websocket", "wss": self = .ws
        case "grpc": self = .grpc
        case "fcgi", "fastcgi": self = .fcgi
        case "tls", "ssl", "https": self = .tls
        case "unknown": self = .unknown
        case "none": self = .none
        default: return nil
        }
    }

    /// Whether a connection whose protocol is `applicationProtocol` is one this name selects.
    func matches(connection applicationProtocol: ApplicationProtocol) -> Bool {
        if self == .quic { return applicationProtocol == .quic || applicationProtocol == .http3 }
        return self.applicationProtocol == applicationProtocol
    }

    /// The connection-level protocol this name stands for; nil for `grpc`, which only exchanges show.
    var applicationProtocol: ApplicationProtocol? {
        switch self {
        case .http1: .http1
        case .h2: .http2
        case .h3: .http3
        case .quic: .quic
        case .ws: .webSocket
        case .fcgi: .fastCGI
        case .tls: .tls
        case .unknown: .unknown
        case .none: ApplicationProtocol.none
        case .grpc: nil
        }
    }
}
