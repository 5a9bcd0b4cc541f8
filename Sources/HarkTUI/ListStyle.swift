import HarkCore
import HarkStore
import HarkFormat

/// Colours and short renderings shared by the list and the detail view.
enum ListStyle {
    /// Status colours by class: 2xx green, 3xx cyan, 4xx yellow, 5xx red, none dim.
    static func status(_ status: HTTPStatusCode?) -> CellStyle {
        guard let status else { return .dim }
        switch status.rawValue / 100 {
        case 1: return .dim
        case 2: return .color(CellStyle.green)
        case 3: return .color(CellStyle.cyan)
        case 4: return .color(CellStyle.yellow)
        case 5: return .color(CellStyle.red, bold: true)
        default: return .plain
        }
    }

    /// `HH:MM:SS.mmm` in UTC.
    static func timeOfDay(_ time: Timestamp) -> String {
        let text = TimestampFormat.iso8601(time)
        let utf8 = Array(text.utf8)
        guard utf8.count >= 23 else { return text }
        return String(decoding: utf8[11..<23], as: UTF8.self)
    }

    /// A duration in at most 8 characters: `850µs`, `93.2ms`, `17.49s`, `125s`.
    static func duration(_ span: TimeSpan) -> String {
        let nanos = span.nanoseconds
        if nanos < 1_000_000 { return "\(max(0, nanos) / 1000)µs" }
        if nanos < 1_000_000_000 { return TimestampFormat.decimal(span.milliseconds, places: 1) + "ms" }
        if nanos < 100_000_000_000 { return TimestampFormat.decimal(span.seconds, places: 2) + "s" }
        return "\(nanos / 1_000_000_000)s"
    }

    /// `text` in `width` columns: cut with `…` when longer (wide characters count as one here; the
    /// grid still clips at the column's edge).
    static func fit(_ text: String, _ width: Int) -> String {
        guard text.count > width, width > 1 else { return text }
        return String(text.prefix(width - 1)) + "…"
    }

    /// A size in at most 7 characters: `0 B`, `512 B`, `12.3 kB`, `4.1 MB`.
    static func size(_ bytes: Int) -> String {
        ByteCountFormat.short(Int64(bytes))
    }
}

/// How the waterfall draws each phase: a glyph that tells phases apart without colour (NO_COLOR), and a
/// colour when there is colour.
enum Waterfall {
    static func glyph(_ phase: ExchangePhase) -> String {
        switch phase {
        case .connect: "="
        case .tls: "#"
        case .send: ">"
        case .wait: "-"
        case .receive: "█"
        }
    }

    static func style(_ phase: ExchangePhase) -> CellStyle {
        switch phase {
        case .connect: .color(CellStyle.yellow)
        case .tls: .color(CellStyle.magenta)
        case .send: .color(CellStyle.cyan)
        case .wait: .color(CellStyle.green)
        case .receive: .color(CellStyle.blue)
        }
    }

    static func name(_ phase: ExchangePhase) -> String {
        switch phase {
        case .connect: "Connect"
        case .tls: "TLS"
        case .send: "Send"
        case .wait: "Wait (TTFB)"
        case .receive: "Receive"
        }
    }
}
