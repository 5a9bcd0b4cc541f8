import HarkCore
import HarkFormat
import HarkModel
import NIOCore

/// The one-line summary of a message on an upgraded connection (a WebSocket message):
/// `17:04:02.120 #3  10.0.0.5:51234 → 10.0.0.9:80  ws ↑ text       12 B  "hello there"`; over HTTP/2
/// (RFC 8441) the stream follows the protocol: `ws (stream 3) ↑ text …`.
///
/// `↑` is client to server, `↓` server to client. Text shows its start, quoted and escaped; a close
/// shows its code and reason; other payloads their size only. Problems follow as `! …`.
enum MessageLine {
    /// Characters of text shown on the line.
    static let previewLength = 60

    static func text(_ message: ConnectionMessage, layout: inout TraceLayout, painter: Painter) -> String {
        let connection = message.connection
        var line = layout.prefix(time: message.firstByte, connection: connection.id, client: connection.client, server: connection.server)
        line += painter.paint(TerminalText.clean(message.applicationProtocol.rawValue), .blue)
        if let stream = message.streamID { line += painter.paint(" (stream \(stream))", .dim) }
        line += message.direction == .clientToServer ? " ↑ " : " ↓ "
        line += painter.paint(pad(TerminalText.clean(message.kind), 8), .bold)
        line += pad(ByteCountFormat.short(Int64(message.payload.length)), 8, right: true)
        if message.frameCount > 1 {
            line += painter.paint(" (\(message.frameCount) frames)", .dim)
        }
        if !message.payload.contentCodings.isEmpty {
            line += painter.paint(" (\(ByteCountFormat.short(Int64(message.payload.wireBytes))) compressed)", .dim)
        }
        if let code = message.closeCode {
            line += "  \(code)"
            if let reason = message.closeReason, !reason.isEmpty { line += " " + quoted(reason) }
        } else if message.isText, let preview = preview(message.payload) {
            line += "  " + preview
        }
        if let problem = message.payload.decodingError ?? (message.payload.isComplete ? nil : "incomplete") {
            line += " " + painter.paint("! " + TerminalText.clean(problem), .red)
        }
        return line
    }

    /// The start of a text payload, quoted, on one line; nil when empty or unreadable.
    private static func preview(_ payload: HTTPMessageBody) -> String? {
        guard !payload.bytes.isEmpty, let start = try? payload.bytes.readAll(limit: previewLength * 4) else { return nil }
        let text = String(decoding: start.readableBytesView, as: UTF8.self)
        let cut = text.count > previewLength || payload.bytes.count > start.readableBytes
        return quoted(String(text.prefix(previewLength))) + (cut ? "…" : "")
    }

    private static func quoted(_ text: String) -> String {
        "\"" + TerminalText.clean(text) + "\""
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }
}
