import HarkCore
import HarkModel
import HarkFormat
public import HarkStats

/// `hark stats` as text: a summary line, then tables per host, per endpoint, and of the connections
/// with the most TCP problems.
public enum StatsText {
    /// The report's lines.
    ///
    /// - Parameters:
    ///   - report: what to show.
    ///   - top: endpoints and connections listed at most (0: all); hosts are all listed.
    public static func lines(_ report: StatsReport, top: Int) -> [String] {
        var lines = [summary(report)]
        if let packets = report.packets { lines.append(packetLine(packets)) }
        if report.requestsGivenUp > 0 {
            lines.append(
                "\(count(report.requestsGivenUp, "request")) given up without a response: the session held too many requests "
                    + "waiting for responses (memory budget)"
            )
        }
        guard report.total.exchanges > 0 || report.tcp.connections > 0 || report.quicConnections > 0 else { return lines }
        let classes = shownClasses(report.total.statuses)
        let showsGRPC = report.total.grpcCalls > 0
        let showsMessages = report.total.messages > 0
        if !report.hosts.isEmpty {
            lines.append("")
            var table = TextTable(header: ["HOST"] + trafficHeader(classes, grpc: showsGRPC, messages: showsMessages))
            table.rows = report.hosts.map { [TerminalText.clean($0.host)] + trafficCells($0.traffic, classes: classes, grpc: showsGRPC, messages: showsMessages) }
            lines += table.lines
        }
        if !report.endpoints.isEmpty {
            lines.append("")
            let shown = top > 0 ? Array(report.endpoints.prefix(top)) : report.endpoints
            var table = TextTable(header: ["ENDPOINT"] + trafficHeader(classes, grpc: showsGRPC, messages: showsMessages))
            table.rows = shown.map { row in
                let endpoint = row.endpoint
                let name = "\(endpoint.method) \(endpoint.host)\(endpoint.pattern.hasPrefix("/") ? "" : " ")\(endpoint.pattern)"
                return [shortened(TerminalText.clean(name))] + trafficCells(row.traffic, classes: classes, grpc: showsGRPC, messages: showsMessages)
            }
            lines += table.lines
            if shown.count < report.endpoints.count {
                lines.append("… \(report.endpoints.count - shown.count) more endpoints (--top 0 lists all)")
            }
        }
        if !report.tlsServers.isEmpty {
            lines.append("")
            lines += tlsLines(report, top: top)
        }
        lines.append("")
        lines += tcpLines(report, top: top)
        return lines
    }

    /// One row per TLS server name: connections, how many decrypted, versions, ALPN, bytes, handshakes.
    private static func tlsLines(_ report: StatsReport, top: Int) -> [String] {
        let shown = top > 0 ? Array(report.tlsServers.prefix(top)) : report.tlsServers
        var table = TextTable(header: ["TLS SERVER", "CONNS", "DECRYPTED", "VERSION", "ALPN", "↑", "↓", "HS P50", "HS MAX"])
        table.rows = shown.map { row in
            let latency = row.handshake.summary
            return [
                shortened(TerminalText.clean(row.server)),
                String(row.connections),
                String(row.decrypted),
                names(row.versions),
                names(row.alpn),
                ByteCountFormat.short(row.bytesSent),
                ByteCountFormat.short(row.bytesReceived),
                latency.map { TimestampFormat.duration($0.p50) } ?? "-",
                latency.map { TimestampFormat.duration($0.maximum) } ?? "-",
            ]
        }
        var lines = table.lines
        if shown.count < report.tlsServers.count {
            lines.append("… \(report.tlsServers.count - shown.count) more TLS servers (--top 0 lists all)")
        }
        return lines
    }

    /// `TLS 1.2,TLS 1.3`: the names counted, most frequent first.
    private static func names(_ counts: [String: Int]) -> String {
        counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { TerminalText.clean($0.key) }.joined(separator: ",")
    }

    /// `48 exchanges on 13 connections, 2014-01-14 17:04:01.897 → 17:04:19.311 UTC (17.41 s)`.
    private static func summary(_ report: StatsReport) -> String {
        var line = "\(count(report.total.exchanges, "exchange")) on \(count(report.tcp.connections &+ report.quicConnections, "connection"))"
        if report.quicConnections > 0 { line += " (\(report.quicConnections) QUIC)" }
        if let first = report.firstTime, let last = report.lastTime {
            let start = TimestampFormat.iso8601(first, fractionDigits: 3).replacingT
            let end = TimestampFormat.iso8601(last, fractionDigits: 3).replacingT
            let sameDay = start.prefix(10) == end.prefix(10)
            line += ", \(start) → \(sameDay ? String(end.dropFirst(11)) : end) UTC (\(TimestampFormat.duration(last.since(first))))"
        }
        return line
    }

    /// `5021 packets: 785 not analysed (UDP 700, ARP 85), 2 malformed, none dropped by the kernel`:
    /// what the tables do not count. The drop count is given for a live source only.
    private static func packetLine(_ packets: PacketCounts) -> String {
        var parts: [String] = []
        if packets.notAnalysed.isEmpty {
            parts.append("all analysed")
        } else {
            let kinds = packets.notAnalysed.map { "\(TerminalText.clean($0.name)) \($0.count)" }.joined(separator: ", ")
            parts.append("\(packets.notAnalysedTotal) not analysed (\(kinds))")
        }
        if packets.malformed > 0 { parts.append("\(packets.malformed) malformed") }
        if let kernel = packets.droppedByKernel {
            let interface = packets.droppedByInterface ?? 0
            parts.append(kernel == 0 ? "none dropped by the kernel" : "\(kernel) dropped by the kernel")
            if interface > 0 { parts.append("\(interface) dropped by the interface") }
        }
        return "\(count(packets.packets, "packet")): " + parts.joined(separator: ", ")
    }

    /// 2xx–5xx always; 1xx, other and none when some exchange has them.
    private static func shownClasses(_ totals: StatusCounts) -> [StatusClass] {
        StatusClass.allCases.filter { statusClass in
            switch statusClass {
            case .success, .redirection, .clientError, .serverError: true
            case .informational, .other, .noResponse: totals[statusClass] > 0
            }
        }
    }

    /// With `grpc`, a `GRPC ERR` column after the status classes: calls that ended with a non-OK
    /// `grpc-status` (their HTTP status is usually 200). With `messages`, `MSGS` and `MSG BYTES` last:
    /// WebSocket messages on the connections the group's exchanges upgraded, and their payload bytes.
    private static func trafficHeader(_ classes: [StatusClass], grpc: Bool, messages: Bool) -> [String] {
        ["REQS"] + classes.map(\.description) + (grpc ? ["GRPC ERR"] : []) + ["P50", "P90", "P99", "MAX", "↑ BODY", "↓ BODY"]
            + (messages ? ["MSGS", "MSG BYTES"] : [])
    }

    private static func trafficCells(_ traffic: TrafficStats, classes: [StatusClass], grpc: Bool, messages: Bool) -> [String] {
        var cells = [String(traffic.exchanges)] + classes.map { String(traffic.statuses[$0]) }
        if grpc { cells.append(String(traffic.grpcErrors)) }
        if let latency = traffic.latency.summary {
            cells += [latency.p50, latency.p90, latency.p99, latency.maximum].map(TimestampFormat.duration)
        } else {
            cells += ["-", "-", "-", "-"]
        }
        cells += [ByteCountFormat.short(traffic.requestBodyBytes), ByteCountFormat.short(traffic.responseBodyBytes)]
        if messages { cells += [String(traffic.messages), ByteCountFormat.short(traffic.messageBytes)] }
        return cells
    }

    private static func tcpLines(_ report: StatsReport, top: Int) -> [String] {
        let tcp = report.tcp
        guard tcp.connectionsWithProblems > 0 else {
            return ["TCP: no problems on \(count(tcp.connections, "connection"))"]
        }
        var parts: [String] = []
        if tcp.retransmissions > 0 { parts.append(count(tcp.retransmissions, "retransmission")) }
        if tcp.outOfOrder > 0 { parts.append("\(tcp.outOfOrder) out of order") }
        if tcp.gaps > 0 { parts.append("\(count(tcp.gaps, "gap")) (\(ByteCountFormat.short(tcp.gapBytes)) lost)") }
        if tcp.resets > 0 { parts.append(count(tcp.resets, "reset")) }
        if tcp.synRetransmissions > 0 { parts.append(count(tcp.synRetransmissions, "SYN retry", plural: "SYN retries")) }
        if tcp.zeroWindows > 0 { parts.append(count(tcp.zeroWindows, "zero window")) }
        let line = "TCP: \(count(tcp.connectionsWithProblems, "connection")) of \(tcp.connections) with problems: "
            + parts.joined(separator: ", ")
        guard !report.worstConnections.isEmpty else { return [line] }
        let shown = top > 0 ? Array(report.worstConnections.prefix(top)) : report.worstConnections
        var table = TextTable(header: ["CONNECTION", "PROTO", "RETX ↑/↓", "OOO", "GAPS", "LOST", "SYN RETRY", "ZERO WIN", "END"])
        table.rows = shown.map { problems in
            let summary = problems.summary
            let info = summary.info
            return [
                "#\(info.id) \(info.client) → \(info.server)",
                problems.applicationProtocol.rawValue,
                "\(summary.clientToServer.retransmissions)/\(summary.serverToClient.retransmissions)",
                String(problems.outOfOrder),
                String(problems.gaps),
                ByteCountFormat.short(problems.gapBytes),
                String(summary.synRetransmissions),
                String(problems.zeroWindows),
                summary.endDescription,
            ]
        }
        return [line, ""] + table.lines
    }

    /// `name` cut in the middle to at most ``maximumNameWidth`` characters: `GET host/a/b…/file.cab`.
    private static func shortened(_ name: String) -> String {
        let scalars = Array(name.unicodeScalars)
        guard scalars.count > maximumNameWidth else { return name }
        let head = maximumNameWidth / 2
        let tail = maximumNameWidth - head - 1
        var text = String.UnicodeScalarView(scalars.prefix(head))
        text.append("…")
        text.append(contentsOf: scalars.suffix(tail))
        return String(text)
    }

    /// The widest endpoint name shown in text (JSON has them whole).
    static let maximumNameWidth = 72

    private static func count(_ value: Int, _ noun: String, plural: String? = nil) -> String {
        "\(value) \(value == 1 ? noun : plural ?? noun + "s")"
    }
}

extension String {
    /// An ISO 8601 timestamp with a space for the `T` and without the `Z`: `2014-01-14 17:04:01.897`.
    fileprivate var replacingT: String {
        String(map { $0 == "T" ? " " : $0 }.filter { $0 != "Z" })
    }
}
