import HarkCore
import HarkFormat
import HarkModel

/// The one-line summary of an exchange:
/// `17:04:01.819 #0  10.0.2.15:55079 → 192.150.187.43:80  200  93.2 ms  ↑  0 B  ↓15.9 kB  GET http://bro.org/`.
///
/// Fixed-width facts come first so they line up; the URL, of any length, comes last, followed by
/// a gRPC call's status (`grpc=14 "unavailable"`), the HTTP/2 stream, interim statuses (`[100]`),
/// what the connection switched to (`⇒ websocket`), FastCGI and linked hops (`FastCGIText`) and
/// problems (`! …`). A TLS connection that could
/// not be decrypted shows `TLS` for its status, its duration and the bytes the client sent.
enum ExchangeLine {
    static func text(_ exchange: Exchange, layout: inout TraceLayout, painter: Painter) -> String {
        let request = exchange.request
        let connection = exchange.connection
        var line = layout.prefix(
            time: request.firstByte,
            connection: connection.id,
            client: connection.client,
            server: connection.server
        )
        if exchange.isUndecryptedStandIn {
            // A TLS or QUIC connection nothing could be read inside: its length and the bytes it sent.
            line += painter.paint(exchange.applicationProtocol == .quic ? "QUIC" : "TLS", .yellow) + (exchange.applicationProtocol == .quic ? " " : "  ")
            line += layout.measures(
                latency: TimestampFormat.duration(exchange.duration),
                requestSize: ByteCountFormat.short(Int64(request.body.wireBytes)),
                responseSize: "-"
            )
        } else {
            line += painter.paint(statusText(exchange.response), statusStyle(exchange.response)) + "  "
            let latency = exchange.response == nil ? "-" : TimestampFormat.duration(exchange.duration)
            let responseSize = exchange.response.map { ByteCountFormat.short(Int64($0.body.length)) } ?? "-"
            line += layout.measures(
                latency: latency,
                requestSize: ByteCountFormat.short(Int64(request.body.length)),
                responseSize: responseSize
            )
        }
        line += "  " + painter.paint(TerminalText.clean(request.method.rawValue), .bold)
        line += " " + TerminalText.clean(request.url(server: connection.server))
        if let status = exchange.grpc?.status {
            line += " " + painter.paint(grpcText(status: status, message: exchange.grpc?.statusMessage), status == 0 ? .green : .red)
        }
        if let streamID = exchange.streamID {
            line += painter.paint(" (stream \(streamID))", .dim)
        }
        for interim in exchange.interimResponses {
            line += " " + painter.paint("[\(interim.status.rawValue)]", .dim)
        }
        if let switchedTo = exchange.switchedTo {
            line += " ⇒ " + TerminalText.clean(switchedTo)
        }
        line += FastCGIText.suffix(exchange, painter: painter)
        if !exchange.problems.isEmpty {
            line += " " + painter.paint("! " + TerminalText.clean(exchange.problems.joined(separator: "; ")), .red)
        }
        return line
    }

    /// `grpc=0`, or `grpc=14 "unavailable"` with the status message.
    private static func grpcText(status: Int, message: String?) -> String {
        guard let message, !message.isEmpty else { return "grpc=\(status)" }
        return "grpc=\(status) \"" + TerminalText.clean(message) + "\""
    }

    /// The status code, `---` without a response, `0.9` for an HTTP/0.9 reply without a status line.
    private static func statusText(_ response: HTTPResponseRecord?) -> String {
        guard let response else { return "---" }
        guard response.status != .absent else { return "0.9" }
        let code = String(response.status.rawValue)
        return code.count >= 3 ? code : String(repeating: " ", count: 3 - code.count) + code
    }

    /// Green for success, cyan for redirects, yellow for client errors, red for server errors and
    /// missing responses, blue for the rest.
    private static func statusStyle(_ response: HTTPResponseRecord?) -> TextStyle {
        guard let response else { return .boldRed }
        switch response.status.rawValue {
        case 200..<300: return .green
        case 300..<400: return .cyan
        case 400..<500: return .yellow
        case 500..<600: return .red
        default: return .blue
        }
    }
}
