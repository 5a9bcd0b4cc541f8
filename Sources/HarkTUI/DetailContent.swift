import HarkCore
import HarkFormat
import HarkModel
import HarkStore
import HarkText
import NIOCore

/// The lines of one detail tab of an exchange (read back whole from the store).
enum DetailContent {
    /// Bytes of a body shown as text at most (the pager scrolls through them).
    static let maximumBodyBytes = 4 << 20
    /// Bytes of a binary body shown as hex at most.
    static let maximumHexBytes = 64 << 10

    static func lines(_ tab: DetailTab, exchange: Exchange, row: ExchangeRow, connection: ConnectionEntry?) -> [StyledLine] {
        switch tab {
        case .headers: headers(exchange)
        case .request: body(exchange.request.body, contentType: exchange.request.headers.first("content-type"), grpc: exchange.grpc.map { ($0.requestMessages, $0.requestMessageCount) })
        case .response:
            exchange.response.map { body($0.body, contentType: $0.headers.first("content-type"), grpc: exchange.grpc.map { ($0.responseMessages, $0.responseMessageCount) }) }
                ?? [StyledLine("no response captured", .dim)]
        case .timing: timing(row.timing)
        case .connection: self.connection(exchange, entry: connection)
        case .tls: tls(exchange.connection.tls)
        case .messages: messages(of: exchange, entry: connection)
        }
    }

    // MARK: - Headers

    private static func headers(_ exchange: Exchange) -> [StyledLine] {
        let request = exchange.request
        var lines: [StyledLine] = []
        lines.append(StyledLine("Request", .bold))
        var start = StyledLine("  ")
        start.append(request.method.rawValue, .color(CellStyle.cyan, bold: true))
        start.append(" " + request.target + " " + request.version)
        lines.append(start)
        if let authority = request.authority, exchange.applicationProtocol == .http2 || exchange.applicationProtocol == .http3 {
            lines.append(field(":authority", authority))
        }
        if request.isExtendedConnect, let switchedTo = exchange.switchedTo { lines.append(field(":protocol", switchedTo)) }
        lines += request.headers.fields.map { field($0.name, $0.value) }
        if !request.body.trailers.isEmpty {
            lines.append(StyledLine("  trailers", .dim))
            lines += request.body.trailers.fields.map { field($0.name, $0.value) }
        }
        for interim in exchange.interimResponses {
            lines.append(StyledLine(""))
            lines.append(StyledLine("Interim response", .bold))
            lines.append(statusLine(interim))
            lines += interim.headers.fields.map { field($0.name, $0.value) }
        }
        lines.append(StyledLine(""))
        guard let response = exchange.response else {
            lines.append(StyledLine("No response captured", .dim))
            lines += problems(exchange)
            return lines
        }
        lines.append(StyledLine("Response", .bold))
        lines.append(statusLine(response))
        lines += response.headers.fields.map { field($0.name, $0.value) }
        if !response.body.trailers.isEmpty {
            lines.append(StyledLine("  trailers", .dim))
            lines += response.body.trailers.fields.map { field($0.name, $0.value) }
        }
        lines += problems(exchange)
        return lines
    }

    private static func problems(_ exchange: Exchange) -> [StyledLine] {
        guard !exchange.problems.isEmpty || exchange.switchedTo != nil else { return [] }
        var lines = [StyledLine("")]
        if let switched = exchange.switchedTo { lines.append(StyledLine("Switched to " + switched, .bold)) }
        for problem in exchange.problems { lines.append(StyledLine("! " + problem, .color(CellStyle.red))) }
        return lines
    }

    private static func statusLine(_ response: HTTPResponseRecord) -> StyledLine {
        var line = StyledLine("  " + response.version + " ")
        line.append(response.status.description, ListStyle.status(response.status))
        line.append(response.reason.isEmpty ? "" : " " + response.reason)
        return line
    }

    private static func field(_ name: String, _ value: String) -> StyledLine {
        var line = StyledLine("  ")
        line.append(name, .color(CellStyle.cyan))
        line.append(": " + value)
        return line
    }

    // MARK: - Bodies

    private static func body(_ body: HTTPMessageBody, contentType: String?, grpc: ([GRPCMessage], Int)?) -> [StyledLine] {
        if let grpc, grpc.1 > 0 || !grpc.0.isEmpty {
            return GRPCMessageText(grpc.0, count: grpc.1).lines.map { StyledLine($0) }
        }
        var summary = "\(ByteCountFormat.short(Int64(body.length)))"
        if let decoded = body.decodedLength, !body.contentCodings.isEmpty {
            summary += " \(body.contentCodings.joined(separator: ", ")), \(ByteCountFormat.short(Int64(decoded))) decoded"
        }
        if let contentType { summary += " · " + contentType }
        var lines = [StyledLine(summary, .dim)]
        guard body.length > 0 || !body.content.isEmpty else { return [StyledLine("no body", .dim)] }
        let text = BodyText(body, contentType: contentType, limit: maximumBodyBytes)
        lines += text.notes.map { StyledLine($0, .color(CellStyle.yellow)) }
        if text.lines.isEmpty, text.notes.contains(where: { $0.hasPrefix("[binary") }) {
            lines += hexDump(body.content)
        } else {
            lines += text.lines.map { StyledLine($0) }
        }
        return lines
    }

    /// `00000000  de ad be ef …  |....|`, 16 bytes a line.
    static func hexDump(_ storage: BodyStorage) -> [StyledLine] {
        guard let bytes = try? storage.readAll(limit: maximumHexBytes) else { return [StyledLine("[body could not be read back]", .color(CellStyle.red))] }
        let view = Array(bytes.readableBytesView)
        var lines: [StyledLine] = []
        var offset = 0
        while offset < view.count {
            let chunk = view[offset..<min(offset + 16, view.count)]
            var hex = chunk.map { byte in
                let text = String(byte, radix: 16)
                return text.count == 1 ? "0" + text : text
            }.joined(separator: " ")
            hex += String(repeating: " ", count: max(0, 47 - hex.count))
            let ascii = String(chunk.map { (0x20..<0x7F).contains($0) ? Character(Unicode.Scalar($0)) : "." })
            let position = String(offset, radix: 16)
            var line = StyledLine(String(repeating: "0", count: max(0, 8 - position.count)) + position + "  ", .dim)
            line.append(hex + "  |" + ascii + "|")
            lines.append(line)
            offset += 16
        }
        if storage.count > view.count {
            lines.append(StyledLine("[… \(ByteCountFormat.short(Int64(storage.count - view.count))) more]", .dim))
        }
        return lines
    }

    // MARK: - Timing

    private static func timing(_ timing: ExchangeTiming) -> [StyledLine] {
        let total = max(1, timing.total.nanoseconds)
        let barWidth = 40
        var lines = [StyledLine("Started " + TimestampFormat.iso8601(timing.start), .dim), StyledLine("")]
        for (phase, from, to) in timing.phases {
            let offset = Int(Double(from.since(timing.start).nanoseconds) / Double(total) * Double(barWidth))
            let length = max(1, Int(Double(to.since(from).nanoseconds) / Double(total) * Double(barWidth)))
            var line = StyledLine(pad(Waterfall.name(phase), 12))
            line.append(pad(TimestampFormat.duration(to.since(from)), 11, right: true) + "  ")
            line.append(String(repeating: " ", count: min(barWidth, max(0, offset))))
            line.append(String(repeating: Waterfall.glyph(phase), count: min(barWidth - min(barWidth, offset), length)), Waterfall.style(phase))
            lines.append(line)
        }
        lines.append(StyledLine(""))
        lines.append(StyledLine(pad("Total", 12) + pad(TimestampFormat.duration(timing.total), 11, right: true), .bold))
        return lines
    }

    // MARK: - Connection and TLS

    private static func connection(_ exchange: Exchange, entry: ConnectionEntry?) -> [StyledLine] {
        let context = exchange.connection
        var lines = [
            StyledLine("Connection #\(context.id)", .bold),
            StyledLine("  client  \(context.client)"),
            StyledLine("  server  \(context.server)"),
        ]
        if let stream = exchange.streamID {
            lines.append(StyledLine("  \(exchange.applicationProtocol == .http3 ? "HTTP/3" : "HTTP/2") stream \(stream)"))
        }
        guard let entry else {
            lines.append(StyledLine("  (no longer kept)", .dim))
            return lines
        }
        guard let record = entry.record else {
            lines.append(StyledLine("  still open", .dim))
            return lines + tcpEvents(entry)
        }
        let summary = record.summary
        if let quic = record.quic {
            // QUIC over UDP: its own facts, none of TCP's counters.
            lines.append(StyledLine("  " + QUICText.summary(quic, decrypted: record.tls?.isDecrypted ?? false)))
            lines.append(StyledLine("  duration  " + TimestampFormat.duration(summary.lastTimestamp.since(summary.info.firstTimestamp))))
            for (label, side) in [("client→server", summary.clientToServer), ("server→client", summary.serverToClient)] {
                lines.append(StyledLine("  \(label)  \(side.packets) packets, \(ByteCountFormat.short(side.payloadBytes))"))
            }
            return lines
        }
        if let rtt = summary.handshakeRoundTrip { lines.append(StyledLine("  handshake RTT  " + TimestampFormat.duration(rtt))) }
        lines.append(StyledLine("  duration  " + TimestampFormat.duration(summary.lastTimestamp.since(summary.info.firstTimestamp)) + ", ended " + summary.endDescription))
        for (label, side) in [("client→server", summary.clientToServer), ("server→client", summary.serverToClient)] {
            var text = "  \(label)  \(side.packets) packets, \(ByteCountFormat.short(side.payloadBytes))"
            text += ", \(side.retransmissions) retransmissions, \(side.outOfOrder) out of order"
            text += ", \(side.gaps) gaps (\(ByteCountFormat.short(side.gapBytes)) lost), \(side.zeroWindows) zero windows"
            lines.append(StyledLine(text))
        }
        return lines + tcpEvents(entry)
    }

    private static func tcpEvents(_ entry: ConnectionEntry) -> [StyledLine] {
        var lines = [StyledLine(""), StyledLine("TCP events", .bold)]
        for event in entry.events {
            var line = StyledLine("  " + ListStyle.timeOfDay(event.timestamp) + "  ", .dim)
            line.append("#\(event.packetNumber)  ", .dim)
            line.append(TCPEventText.text(event), Self.eventStyle(event.kind))
            lines.append(line)
        }
        if entry.omittedEvents > 0 { lines.append(StyledLine("  … and \(entry.omittedEvents) more events", .dim)) }
        return lines
    }

    private static func eventStyle(_ kind: TCPEvent.Kind) -> CellStyle {
        switch kind {
        case .retransmission, .outOfOrder, .gap, .zeroWindow, .reset, .overlapConflict, .synRetransmission: .color(CellStyle.yellow)
        default: .plain
        }
    }

    private static func tls(_ tls: TLSSummary?) -> [StyledLine] {
        guard let tls else { return [StyledLine("not inside TLS (clear text)", .dim)] }
        var lines = [StyledLine("TLS session", .bold)]
        lines.append(StyledLine("  version       " + tls.version))
        lines.append(StyledLine("  cipher suite  " + tls.cipherSuite))
        lines.append(StyledLine("  server name   " + (tls.serverName ?? "-")))
        lines.append(StyledLine("  ALPN          " + (tls.alpn ?? "-") + "  (offered: " + tls.offeredALPN.joined(separator: ", ") + ")"))
        lines.append(StyledLine("  resumed       " + (tls.resumed ? "yes" : "no")))
        if let duration = tls.handshakeDuration { lines.append(StyledLine("  handshake     " + TimestampFormat.duration(duration))) }
        lines.append(StyledLine("  decrypted     " + (tls.notDecryptedReason.map { "no: " + $0 } ?? "yes")))
        return lines
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}
