public import HarkCore
public import HarkFormat
public import HarkModel

/// `hark trace` as a session observer: writes each exchange, and with ``TraceOptions/showTCP`` the TCP
/// events and connections around it, as text lines or JSON lines, in the order
/// ``TraceOptions/lineOrder`` says (held and sorted by the time each line shows, or as they complete).
///
/// Lines go to a ``LineWriter``; with `flushEachLine` (a terminal) each appears as soon as the order
/// lets it out, with `flushEachBatch` (a live capture) at the end of the session's batch of packets
/// that let it out (``clock(_:)``). Lines still held when the capture ends are written by
/// ``captureEnded()``, which the session calls.
///
/// ### Example
///
/// ```swift
/// let output = LineWriter(sink: FileDescriptorSink.standardOutput(), flushEachLine: true)
/// var printer = TracePrinter(output: output, options: TraceOptions(showTCP: true)) { print($0) }
/// CaptureSession(reader: try CaptureReader(path: "web.pcap")).run(observer: &printer)  // ends with captureEnded()
/// output.flush()
/// ```
public struct TracePrinter: SessionObserver {
    /// Where lines go.
    public let output: LineWriter
    /// What to print.
    public let options: TraceOptions
    private let reportDiagnostic: (Diagnostic) -> Void
    private let painter: Painter
    private let messageLines: MessageLines
    private var layout = TraceLayout()
    private var coalescer = TCPEventCoalescer()
    private var ordered: TimeOrderedLines
    /// Open connections' endpoints, for TCP lines (kept only with `showTCP`).
    private var connections: [Int: TCPConnectionInfo] = [:]

    /// - Parameters:
    ///   - output: where lines go.
    ///   - options: what to print.
    ///   - diagnostics: receives input problems in text mode (JSON lines carry them in-line, as
    ///     `diagnostic` objects).
    public init(output: LineWriter, options: TraceOptions, diagnostics: @escaping (Diagnostic) -> Void) {
        self.output = output
        self.options = options
        self.reportDiagnostic = diagnostics
        self.ordered = TimeOrderedLines(order: options.lineOrder)
        let painter = Painter(isEnabled: options.useColor && options.format == .text)
        self.painter = painter
        self.messageLines = MessageLines(
            showHeaders: options.showHeaders,
            showBodies: options.showBodies,
            maximumBodyBytes: options.maximumBodyBytes,
            decodedBytesUsed: options.showBodies ? options.decodedBytesUsed : nil,
            painter: painter
        )
    }

    public mutating func exchange(_ exchange: Exchange) {
        switch options.format {
        case .jsonLines:
            let options = self.options
            emitJSON(at: exchange.request.firstByte) { TraceJSON.exchange(exchange, options: options, to: &$0) }
        case .text:
            writeBursts(coalescer.flushExpired(now: exchange.response?.lastByte ?? exchange.request.lastByte))
            writeBursts(coalescer.flush(connection: exchange.connection.id))
            let line = ExchangeLine.text(exchange, layout: &layout, painter: painter)
            emit(at: exchange.request.firstByte, [line] + messageLines.lines(for: exchange))
        }
    }

    public mutating func message(_ message: ConnectionMessage) {
        switch options.format {
        case .jsonLines:
            let options = self.options
            emitJSON(at: message.firstByte) { TraceJSON.message(message, options: options, to: &$0) }
        case .text:
            writeBursts(coalescer.flushExpired(now: message.lastByte))
            writeBursts(coalescer.flush(connection: message.connection.id))
            let line = MessageLine.text(message, layout: &layout, painter: painter)
            emit(at: message.firstByte, [line] + messageLines.lines(for: message))
        }
    }

    public mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        guard options.showTCP else { return }
        switch options.format {
        case .jsonLines:
            emitJSON(at: connection.firstTimestamp) { TraceJSON.connectionOpened(connection, to: &$0) }
        case .text:
            connections[connection.id] = connection
            writeBursts(coalescer.flushExpired(now: connection.firstTimestamp))
            if let text = ConnectionText.opened(connection) {
                writeTCPLine(time: connection.firstTimestamp, connection: connection.id, text: text, style: .dim)
            }
        }
    }

    public mutating func connectionClosed(_ connection: ConnectionRecord) {
        guard options.showTCP else { return }
        let id = connection.summary.info.id
        switch options.format {
        case .jsonLines:
            emitJSON(at: connection.summary.lastTimestamp) { TraceJSON.connectionClosed(connection, to: &$0) }
        case .text:
            writeBursts(coalescer.flushExpired(now: connection.summary.lastTimestamp))
            writeBursts(coalescer.flush(connection: id))
            connections[id] = connection.summary.info
            writeTCPLine(time: connection.summary.lastTimestamp, connection: id, text: ConnectionText.closed(connection), style: .dim)
            connections[id] = nil
        }
    }

    public mutating func tcpEvent(_ event: TCPEvent) {
        guard options.showTCP else { return }
        switch options.format {
        case .jsonLines:
            emitJSON(at: event.timestamp) { TraceJSON.tcpEvent(event, to: &$0) }
        case .text:
            writeBursts(coalescer.flushExpired(now: event.timestamp))
            guard TCPEventText.isShown(event.kind), coalescer.offer(event) else { return }
            let style: TextStyle
            switch event.kind {
            case .reset, .gap: style = .dimYellow
            default: style = .dim
            }
            writeTCPLine(time: event.timestamp, connection: event.connectionID, text: TCPEventText.text(event), style: style)
        }
    }

    public mutating func diagnostic(_ diagnostic: Diagnostic) {
        switch options.format {
        case .jsonLines:
            let time = ordered.latestTime ?? Timestamp(nanoseconds: .min)
            emitJSON(at: time) { TraceJSON.diagnostic(diagnostic, to: &$0) }
        case .text: reportDiagnostic(diagnostic)
        }
    }

    /// Writes the held lines whose wait is over, and the TCP bursts that have collected long enough;
    /// the session calls it after each batch of packets, which ends the output's batch of lines.
    public mutating func clock(_ now: Timestamp) {
        if options.format == .text { writeBursts(coalescer.flushExpired(now: now)) }
        write(ordered.advance(to: now))
        output.endBatch()
    }

    /// Writes every line still held, in order.
    public mutating func captureEnded() {
        write(ordered.finish())
    }

    private mutating func writeBursts(_ bursts: [TCPEventCoalescer.Burst]) {
        for burst in bursts {
            writeTCPLine(time: burst.last, connection: burst.key.connectionID, text: TCPEventText.text(burst), style: .dim)
        }
    }

    private mutating func writeTCPLine(time: Timestamp, connection: Int, text: String, style: TextStyle) {
        let info = connections[connection]
        let prefix = layout.prefix(time: time, connection: connection, client: info?.client, server: info?.server)
        emit(at: time, [prefix + painter.paint(text, style)])
    }

    /// Hands lines showing `time` to the order, writing what it lets out.
    private mutating func emit(at time: Timestamp, _ lines: [String]) {
        write(ordered.add(time: time, lines: lines))
    }

    /// One JSON object as a line showing `time`.
    private mutating func emitJSON(at time: Timestamp, _ members: (inout JSONWriter) -> Void) {
        var json = JSONWriter(pretty: false, capacity: 512)
        json.beginObject()
        members(&json)
        json.endObject()
        emit(at: time, [json.buffer.withBytes { String(decoding: $0, as: UTF8.self) }])
    }

    /// Writes groups let out by the order; in text, a `#` day line before the first line of each day.
    private mutating func write(_ groups: [TimeOrderedLines.Group]) {
        for group in groups {
            if options.format == .text, let line = layout.dayLine(for: group.time) {
                output.writeLine(painter.paint(line, .dim))
            }
            for line in group.lines {
                output.writeLine(line)
            }
        }
    }
}
