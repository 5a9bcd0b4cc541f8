import HarkCore
import HarkHTTP3
import HarkModel
import HarkQUIC
import HarkReassembly

/// What a QUIC connection's analysis reports, as `AnalysisEvent`s for the session's output. QUIC
/// connections are analysed on the session's thread (by `UDPLayer`) whichever dispatcher is used:
/// their datagrams are not spread over analysis threads.
enum QUICAnalysis {
    /// Handles what a QUIC connection found.
    static func handle<Sink: AnalysisSink>(
        _ event: QUICEvent, slot: QUICConnectionSlot, settings: StackSettings, into sink: inout Sink
    ) {
        switch event {
        case .diagnostic(let text, let isError):
            sink.take(.diagnostic(inPacket(Diagnostic(isError ? .error : .warning, text, connectionID: slot.info.id), settings.packetClock)))
        case .streamData(let id, let direction, let bytes, let time, let packet):
            guard settings.parsesMessages else { return }
            if slot.http3 == nil {
                slot.http3 = settings.bodies.http3Analyzer(packetClock: settings.packetClock)
                slot.http3?.bufferBudget = slot.analyzer.bufferBudget
            }
            // Bytes held behind a hole are read with their own packet's number.
            settings.packetClock.with(packet) {
                slot.http3?.receive(streamID: id, direction: direction, bytes: bytes, at: time) { handle($0, slot: slot, settings: settings, into: &sink) }
            }
        case .streamGap(let id, let direction, let length, let time):
            slot.http3?.gap(streamID: id, direction: direction, length: length, at: time) { handle($0, slot: slot, settings: settings, into: &sink) }
        case .streamFinished(let id, let direction, let time):
            slot.http3?.finish(streamID: id, direction: direction, at: time) { handle($0, slot: slot, settings: settings, into: &sink) }
        case .streamReset(let id, let direction, let code, let time):
            slot.http3?.reset(streamID: id, direction: direction, errorCode: code, at: time) { handle($0, slot: slot, settings: settings, into: &sink) }
        case .stopSending, .handshakeUpdated:
            break
        }
    }

    /// Handles what a QUIC connection's HTTP/3 found.
    static func handle<Sink: AnalysisSink>(_ event: HTTP3Event, slot: QUICConnectionSlot, settings: StackSettings, into sink: inout Sink) {
        switch event {
        case .exchange(var exchange):
            // A request whose first bytes came in 0-RTT packets can be replayed by an attacker (RFC 9001
            // §9.2, RFC 8470): a user auditing a capture wants to see it.
            if let request = exchange.request, slot.analyzer.earlyDataCapturePackets.contains(request.firstPacket) {
                exchange.issues.append(Self.earlyDataIssue)
            }
            let index = slot.exchangesReported
            slot.exchangesReported += 1
            sink.take(.exchange(ExchangeMapper.exchange(from: exchange, id: 0, index: index, connection: slot.context)))
        case .diagnostic(let text, let isError):
            sink.take(.diagnostic(inPacket(Diagnostic(isError ? .error : .warning, text, connectionID: slot.info.id), settings.packetClock)))
        }
    }

    /// The note on an exchange whose request was sent as 0-RTT early data.
    static let earlyDataIssue = "request sent as 0-RTT early data (replayable)"

    /// `diagnostic` with the number of the packet being read, when it has none of its own.
    private static func inPacket(_ diagnostic: Diagnostic, _ clock: PacketClock) -> Diagnostic {
        var located = diagnostic
        if located.packetNumber == nil, clock.number > 0 { located.packetNumber = clock.number }
        return located
    }

    /// Reports a QUIC connection's end: a stand-in exchange when nothing inside could be read, then the
    /// connection record.
    static func close<Sink: AnalysisSink>(_ slot: QUICConnectionSlot, settings: StackSettings, into sink: inout Sink) {
        var events: [QUICEvent] = []
        slot.analyzer.finish(at: slot.lastTimestamp) { events.append($0) }
        for event in events { handle(event, slot: slot, settings: settings, into: &sink) }
        slot.http3?.finishConnection(at: slot.lastTimestamp) { handle($0, slot: slot, settings: settings, into: &sink) }
        let record = slot.record()
        if settings.parsesMessages, !slot.analyzer.summary.decrypted, slot.exchangesReported == 0, let tls = record.tls {
            sink.take(.exchange(
                ExchangeMapper.exchange(undecrypted: record.summary, tls: tls, id: 0, connection: slot.context, applicationProtocol: .quic)
            ))
        }
        sink.take(.closed(record))
    }
}
