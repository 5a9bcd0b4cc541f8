import HarkCore
import HarkFormat
import HarkModel
import HarkStore
import HarkText
import NIOCore

extension DetailContent {
    /// The Messages tab: the messages of the protocol the connection switched to (WebSocket), oldest
    /// first, each as a line (time, direction, type, size, frames, close code, problems) followed by its
    /// payload (text as text, JSON pretty-printed; binary as hex).
    static func messages(of exchange: Exchange, entry: ConnectionEntry?) -> [StyledLine] {
        guard let entry else { return [StyledLine("the connection is no longer kept", .dim)] }
        let messages = entry.messages.filter { $0.exchangeID == nil || $0.exchangeID == exchange.id }
        var heading = "\(messages.count) message" + (messages.count == 1 ? "" : "s")
        if entry.omittedMessages > 0 { heading += " (and \(entry.omittedMessages) more not kept)" }
        heading += " · ↑ client to server, ↓ server to client"
        var lines = [StyledLine(heading, .dim)]
        if messages.isEmpty, entry.record == nil { lines.append(StyledLine("none yet: the connection is still open", .dim)) }
        lines.append(StyledLine(""))
        for message in messages {
            lines.append(summary(message))
            lines += payload(message).map { StyledLine(spans: [.init(text: "    ", style: .plain)] + $0.spans) }
        }
        return lines
    }

    private static func summary(_ message: MessageMark) -> StyledLine {
        var line = StyledLine(ListStyle.timeOfDay(message.firstByte) + "  ", .dim)
        let up = message.direction == .clientToServer
        line.append(up ? "↑ " : "↓ ", .color(up ? CellStyle.cyan : CellStyle.green, bold: true))
        line.append(pad(message.kind, 7), .bold)
        line.append(pad(ByteCountFormat.short(Int64(message.length)), 8, right: true))
        if message.frameCount > 1 { line.append("  \(message.frameCount) frames", .dim) }
        if !message.contentCodings.isEmpty {
            line.append("  " + message.contentCodings.joined(separator: ", "), .dim)
            line.append(" (\(ByteCountFormat.short(Int64(message.wireBytes))) on the wire)", .dim)
        }
        if let code = message.closeCode {
            line.append("  close \(code)")
            if let reason = message.closeReason, !reason.isEmpty { line.append(" " + reason) }
        }
        if let problem = message.problem {
            line.append("  ! " + problem, .color(CellStyle.red))
        }
        return line
    }

    private static func payload(_ message: MessageMark) -> [StyledLine] {
        guard message.closeCode == nil, message.length > 0 else { return [] }
        // The payload is kept as meant (inflated), its start only: its codings are on the summary line.
        let payload = HTTPMessageBody(bytes: BodyStorage(message.payload), length: message.length)
        let text = BodyText(payload, contentType: nil, limit: maximumBodyBytes)
        let notes = text.notes.map { StyledLine($0, .color(CellStyle.yellow)) }
        if !message.isText, text.lines.isEmpty {
            return notes.filter { !$0.text.hasPrefix("[binary") } + hexDump(payload.content)
        }
        return notes + text.lines.map { StyledLine($0) }
    }
}
