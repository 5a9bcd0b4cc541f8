import HarkCore
import HarkModel

/// The indented block under an exchange's line: heads (with `--headers`) and bodies (with `--bodies`),
/// request lines marked `>` and response lines marked `<`, as `curl -v` does.
struct MessageLines {
    let showHeaders: Bool
    let showBodies: Bool
    let maximumBodyBytes: Int
    /// The cap on decoded bytes the trace set (`TraceOptions.decodedBytesUsed`), if any.
    let decodedBytesUsed: Int?
    let painter: Painter

    /// Lines to print after the exchange's line; empty when neither headers nor bodies are asked for.
    func lines(for exchange: Exchange) -> [String] {
        var lines: [String] = []
        let request = exchange.request
        if showHeaders {
            lines.append(line(">", "\(request.method) \(request.target) \(request.version)"))
            lines += fields(request.headers, marker: ">")
        }
        lines += body(request.body, headers: request.headers, grpc: exchange.grpc.map { ($0.requestMessages, $0.requestMessageCount) }, marker: ">")
        for interim in exchange.interimResponses {
            if showHeaders {
                lines.append(line("<", statusLine(interim)))
                lines += fields(interim.headers, marker: "<")
            }
        }
        if let response = exchange.response {
            if showHeaders {
                lines.append(line("<", statusLine(response)))
                lines += fields(response.headers, marker: "<")
            }
            lines += body(response.body, headers: response.headers, grpc: exchange.grpc.map { ($0.responseMessages, $0.responseMessageCount) }, marker: "<")
        }
        return lines
    }

    /// The payload of a message on an upgraded connection (with `--bodies`), marked `>` from the client
    /// and `<` from the server.
    func lines(for message: ConnectionMessage) -> [String] {
        // A close with a code shows code and reason on its line already.
        guard showBodies, message.closeCode == nil else { return [] }
        let marker = message.direction == .clientToServer ? ">" : "<"
        let text = BodyText(message.payload, contentType: nil, limit: maximumBodyBytes)
        return text.lines.map { "    " + painter.paint(marker, .dim) + ($0.isEmpty ? "" : " " + $0) }
            + text.notes.map { "    " + painter.paint(marker, .dim) + " " + painter.paint($0, .dim) }
    }

    private func statusLine(_ response: HTTPResponseRecord) -> String {
        guard response.status != .absent else { return "(HTTP/0.9: no status line)" }
        return "\(response.version) \(response.status.rawValue) \(response.reason)"
    }

    private func fields(_ fields: HTTPFields, marker: String) -> [String] {
        fields.map { line(marker, "\($0.name): \($0.value)") }
    }

    /// The body's lines after a bare marker line (the blank line between head and body in HTTP), and
    /// its trailers (with `--headers`). A gRPC call's body is shown as its decoded messages.
    private func body(
        _ body: HTTPMessageBody,
        headers: HTTPFields,
        grpc: (messages: [GRPCMessage], count: Int)?,
        marker: String
    ) -> [String] {
        var lines: [String] = []
        if showBodies, let grpc, grpc.count > 0 {
            lines.append("    " + painter.paint(marker, .dim))
            lines += GRPCMessageText(grpc.messages, count: grpc.count).lines.map { line(marker, $0) }
        } else if showBodies {
            let text = BodyText(body, contentType: headers.first("content-type"), limit: maximumBodyBytes, decodedBytesUsed: decodedBytesUsed)
            if !text.lines.isEmpty || !text.notes.isEmpty {
                lines.append("    " + painter.paint(marker, .dim))
                lines += text.lines.map { "    " + painter.paint(marker, .dim) + ($0.isEmpty ? "" : " " + $0) }
                lines += text.notes.map { "    " + painter.paint(marker, .dim) + " " + painter.paint($0, .dim) }
            }
        }
        if showHeaders, !body.trailers.isEmpty {
            lines += fields(body.trailers, marker: marker)
        }
        return lines
    }

    private func line(_ marker: String, _ text: String) -> String {
        "    " + painter.paint(marker, .dim) + " " + TerminalText.clean(text)
    }
}
