import HarkCore
import HarkFormat
import HarkModel

/// What a trace line adds for FastCGI and for linked hops: ` (FastCGI 10.0.0.5:9000 request 1)` with
/// the application's exit status when not 0 and the start of its stderr, ` ⇢ FastCGI #3 10.0.0.5:9000
/// 120.5 ms` on a client's exchange the backend served, ` ⇠ for #0 10.0.0.9:51234` on the FastCGI
/// exchange that served it.
enum FastCGIText {
    /// Characters of stderr shown on the line.
    static let stderrPreview = 80

    static func suffix(_ exchange: Exchange, painter: Painter) -> String {
        var text = ""
        if let fastCGI = exchange.fastCGI {
            text += painter.paint(" (FastCGI \(exchange.connection.server) request \(fastCGI.requestID))", .dim)
            if let status = fastCGI.appStatus, status != 0 {
                text += " " + painter.paint("exit=\(status)", .yellow)
            }
            if fastCGI.stderrLength > 0 {
                text += " " + painter.paint("stderr: \"" + preview(fastCGI.stderr) + "\"", .yellow)
            }
        }
        if let upstream = exchange.upstream {
            let duration = TimestampFormat.duration(upstream.duration)
            text += " " + painter.paint("⇢ FastCGI #\(upstream.connectionID) \(upstream.peer) \(duration)", .cyan)
        }
        if let downstream = exchange.downstream {
            text += " " + painter.paint("⇠ for #\(downstream.connectionID) \(downstream.peer)", .cyan)
        }
        return text
    }

    /// The first line of `text`, at most `stderrPreview` characters, cleaned for the terminal.
    private static func preview(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let cut = line.count > stderrPreview ? String(line.prefix(stderrPreview)) + "…" : line
        return TerminalText.clean(cut)
    }
}

extension TraceJSON {
    /// `"fastcgi"`, `"upstream"` and `"downstream"`: a FastCGI exchange's own facts and the linked
    /// hop of either side, each null when it does not apply.
    static func fastCGI(_ exchange: Exchange, to json: inout JSONWriter) {
        json.key("fastcgi")
        if let fastCGI = exchange.fastCGI {
            json.beginObject()
            json.member("request_id", fastCGI.requestID)
            json.member("role", fastCGI.role)
            json.key("keep_connection")
            json.bool(fastCGI.keepsConnection)
            json.key("app_status")
            optional(fastCGI.appStatus, to: &json)
            json.key("protocol_status")
            optional(fastCGI.protocolStatus, to: &json)
            json.member("stderr", fastCGI.stderr)
            json.member("stderr_bytes", fastCGI.stderrLength)
            json.endObject()
        } else {
            json.null()
        }
        let links: [(StaticString, HopLink?)] = [("upstream", exchange.upstream), ("downstream", exchange.downstream)]
        for (name, link) in links {
            json.key(name)
            guard let link else {
                json.null()
                continue
            }
            json.beginObject()
            json.member("id", link.exchangeID)
            json.member("connection", link.connectionID)
            json.member("address", link.peer.description)
            json.key("duration_ms")
            json.milliseconds(link.duration)
            json.endObject()
        }
    }
}
