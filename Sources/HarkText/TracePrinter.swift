public import HarkCore
public import HarkFormat
public import HarkModel

/// `hark trace` as a session observer: writes each exchange as it completes, and with
/// ``TraceOptions/showTCP`` the TCP events and connections around it, as text lines or JSON lines.
///
/// Lines go to a ``LineWriter``; with `flushEachLine` (a terminal, a live capture) each appears as
/// soon as the packet that completes it has been read.
///
/// ### Example
///
/// ```swift
/// let output = LineWriter(sink: FileDescriptorSink.standardOutput(), flushEachLine: true)
/// var printer = TracePrinter(output: output, options: TraceOptions(showTCP: true)) { print($0) }
/// CaptureSession(reader: try CaptureReader(path: "web.pcap")).run(observer: &printer)
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
            output.writeJSONObject { TraceJSON.exchange(exchange, options: options, to: &$0) }
        case .text:
            writeBursts(coalescer.flushExpired(now: exchange.response?.lastByte ?? exchange.request.lastByte))
            writeBursts(coalescer.flush(connection: exchange.connection.id))
            writeDayLine(exchange.request.firstByte)
            output.writeLine(ExchangeLine.text(exchange, layout: &layout, painter: painter))
            for line in messageLines.lines(for: exchange) {
                output.writeLine(line)
            }
        }
    }

    public mutating func message(_ message: ConnectionMessage) {
        switch options.format {
        case .jsonLines:
            output.writeJSONObject { TraceJSON.message(message, options: options, to: &$0) }
        case .text:
            writeBursts(coalescer.flushExpired(now: message.lastByte))
            writeBursts(coalescer.flush(connection: message.connection.id))
            writeDayLine(message.firstByte)
            output.writeLine(MessageLine.text(message, layout: &layout, painter: painter))
            for line in messageLines.lines(for: message) {
                output.writeLine(line)
            }
        }
    }

    public mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        guard options.showTCP else { return }
        switch options.format {
        case .jsonLines:
            output.writeJSONObject { TraceJSON.connectionOpened(connection, to: &$0) }
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
            output.writeJSONObject { TraceJSON.connectionClosed(connection, to: &$0) }
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
            output.writeJSONObject { TraceJSON.tcpEvent(event, to: &$0) }
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
        case .jsonLines: output.writeJSONObject { TraceJSON.diagnostic(diagnostic, to: &$0) }
        case .text: reportDiagnostic(diagnostic)
        }
    }

    private mutating func writeBursts(_ bursts: [TCPEventCoalescer.Burst]) {
        for burst in bursts {
            writeTCPLine(time: burst.last, connection: burst.key.connectionID, text: TCPEventText.text(burst), style: .dim)
        }
    }

    private mutating func writeTCPLine(time: Timestamp, connection: Int, text: String, style: TextStyle) {
        writeDayLine(time)
        let info = connections[connection]
        let prefix = layout.prefix(time: time, connection: connection, client: info?.client, server: info?.server)
        output.writeLine(prefix + painter.paint(text, style))
    }

    private mutating func writeDayLine(_ time: Timestamp) {
        if let line = layout.dayLine(for: time) {
            output.writeLine(painter.paint(line, .dim))
        }
    }
}
