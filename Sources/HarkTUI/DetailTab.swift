/// The tabs of the detail view, in order. Messages shows only for an exchange whose connection switched
/// to a message protocol (WebSocket).
enum DetailTab: Int, CaseIterable, Sendable {
    case headers, request, response, timing, connection, tls, messages

    var title: String {
        switch self {
        case .headers: "Headers"
        case .request: "Request body"
        case .response: "Response body"
        case .timing: "Timing"
        case .connection: "Connection"
        case .tls: "TLS"
        case .messages: "Messages"
        }
    }

    /// The title when the full ones do not fit the width.
    var shortTitle: String {
        switch self {
        case .request: "Request"
        case .response: "Response"
        case .connection: "Conn"
        default: title
        }
    }
}
