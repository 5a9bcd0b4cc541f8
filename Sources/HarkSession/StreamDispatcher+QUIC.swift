import HarkCore
import HarkHTTP3
import HarkModel
import HarkQUIC
import HarkReassembly

extension StreamDispatcher {
    /// A QUIC connection was seen for the first time.
    mutating func quicConnectionOpened(_ info: TCPConnectionInfo) {
        connectionCount += 1
        observer.connectionOpened(info)
    }

    /// Handles what a QUIC connection found.
    mutating func handle(_ event: QUICEvent, slot: QUICConnectionSlot) {
        switch event {
        case .diagnostic(let text, let isError):
            reportInPacket(Diagnostic(isError ? .error : .warning, text, connectionID: slot.info.id))
        case .streamData(let id, let direction, let bytes, let time, let packet):
            guard settings.parsesMessages else { return }
            if slot.http3 == nil { slot.http3 = settings.bodies.http3Analyzer(packetClock: settings.packetClock) }
            // Bytes held behind a hole are read with their own packet's number.
            settings.packetClock.with(packet) {
                slot.http3?.receive(streamID: id, direction: direction, bytes: bytes, at: time) { handle($0, slot: slot) }
            }
        case .streamGap(let id, let direction, let length, let time):
            slot.http3?.gap(streamID: id, direction: direction, length: length, at: time) { handle($0, slot: slot) }
        case .streamFinished(let id, let direction, let time):
            slot.http3?.finish(streamID: id, direction: direction, at: time) { handle($0, slot: slot) }
        case .streamReset(let id, let direction, let code, let time):
            slot.http3?.reset(streamID: id, direction: direction, errorCode: code, at: time) { handle($0, slot: slot) }
        case .stopSending, .handshakeUpdated:
            break
        }
    }

    /// Handles what a QUIC connection's HTTP/3 found.
    mutating func handle(_ event: HTTP3Event, slot: QUICConnectionSlot) {
        switch event {
        case .exchange(let exchange):
            let index = slot.exchangesReported
            slot.exchangesReported += 1
            emit(ExchangeMapper.exchange(from: exchange, id: exchangeCount, index: index, connection: slot.context))
        case .diagnostic(let text, let isError):
            reportInPacket(Diagnostic(isError ? .error : .warning, text, connectionID: slot.info.id))
        }
    }

    /// Reports a QUIC connection's end: a stand-in exchange when nothing inside could be read, then the
    /// connection record.
    mutating func quicConnectionClosed(_ slot: QUICConnectionSlot) {
        var events: [QUICEvent] = []
        slot.analyzer.finish(at: slot.lastTimestamp) { events.append($0) }
        for event in events { handle(event, slot: slot) }
        slot.http3?.finishConnection(at: slot.lastTimestamp) { handle($0, slot: slot) }
        let record = slot.record()
        if settings.parsesMessages, !slot.analyzer.summary.decrypted, slot.exchangesReported == 0, let tls = record.tls {
            emit(ExchangeMapper.exchange(undecrypted: record.summary, tls: tls, id: exchangeCount, connection: slot.context, applicationProtocol: .quic))
        }
        observer.connectionClosed(record)
    }
}
