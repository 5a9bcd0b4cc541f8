/// The tabs of the detail view, in order.
enum DetailTab: Int, CaseIterable, Sendable {
    case headers, request, response, timing, connection, tls

    var title: String {
        switch self {
        case .headers: "Headers"
        case .request: "Request body"
        case .response: "Response body"
        case .timing: "Timing"
        case .connection: "Connection"
        case .tls: "TLS"
        }
    }
}
