public import HarkCore
public import HarkModel

/// Passes everything to `base` and also hands exchanges, TCP events and finished connections to an
/// `OTLPTelemetry`: how `--otlp` rides along with any command. The exporter's messages reach `base` as
/// diagnostics, so every view shows them where it shows the capture's problems.
public struct OTLPObserver<Base: SessionObserver>: SessionObserver {
    /// The command's own observer.
    public var base: Base
    /// Where the telemetry goes.
    public let telemetry: OTLPTelemetry

    /// - Parameters: as the properties of the same names.
    public init(base: Base, telemetry: OTLPTelemetry) {
        self.base = base
        self.telemetry = telemetry
    }

    public var wantsPacketFacts: Bool { base.wantsPacketFacts }

    public mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        base.connectionOpened(connection)
    }

    public mutating func connectionClosed(_ connection: ConnectionRecord) {
        forwardMessages()
        telemetry.add(connection)
        base.connectionClosed(connection)
    }

    public mutating func tcpEvent(_ event: TCPEvent) {
        telemetry.add(event)
        base.tcpEvent(event)
    }

    public mutating func exchange(_ exchange: Exchange) {
        telemetry.add(exchange)
        base.exchange(exchange)
    }

    public mutating func message(_ message: ConnectionMessage) {
        base.message(message)
    }

    public mutating func diagnostic(_ diagnostic: Diagnostic) {
        base.diagnostic(diagnostic)
    }

    public mutating func progress(bytesRead: Int64) {
        forwardMessages()
        telemetry.exportMetricsIfDue()
        base.progress(bytesRead: bytesRead)
    }

    public mutating func packet(_ fact: PacketFact) {
        base.packet(fact)
    }

    public mutating func clock(_ now: Timestamp) {
        base.clock(now)
    }

    public mutating func captureEnded() {
        base.captureEnded()
    }

    /// Sends what is left (waiting at most the flush timeout), then tells `base` of the exporter's last
    /// messages and, when telemetry was lost, how much: spans dropped from the full queue, and spans
    /// or metrics given up. Call once, after the session.
    public mutating func finish() {
        let counts = telemetry.finish()
        forwardMessages()
        var lost: [String] = []
        if counts.spansDropped > 0 { lost.append("\(counts.spansDropped) spans dropped (queue full)") }
        if counts.spansFailed > 0 { lost.append("\(counts.spansFailed) spans not delivered") }
        if counts.metricRequestsFailed > 0 { lost.append("\(counts.metricRequestsFailed) metrics requests not delivered") }
        guard !lost.isEmpty else { return }
        base.diagnostic(Diagnostic(.warning, "otlp: \(counts.spansSent) spans sent, " + lost.joined(separator: ", ")))
    }

    private mutating func forwardMessages() {
        for message in telemetry.takeMessages() { base.diagnostic(Diagnostic(.warning, message)) }
    }
}
