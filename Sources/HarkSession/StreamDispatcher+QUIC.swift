import HarkCore
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
            report(Diagnostic(isError ? .error : .warning, text, connectionID: slot.info.id))
        case .streamData, .streamGap, .streamFinished, .streamReset, .stopSending, .handshakeUpdated:
            break
        }
    }

    /// Reports a QUIC connection's end: a stand-in exchange when nothing inside could be read, then the
    /// connection record.
    mutating func quicConnectionClosed(_ slot: QUICConnectionSlot, flow: UDPFlow) {
        slot.analyzer.finish(at: flow.lastTimestamp) { handle($0, slot: slot) }
        let record = slot.record(flow)
        if settings.parsesMessages, !slot.analyzer.summary.decrypted, slot.exchangesReported == 0, let tls = record.tls {
            emit(ExchangeMapper.exchange(undecrypted: record.summary, tls: tls, id: exchangeCount, connection: slot.context, applicationProtocol: .quic))
        }
        observer.connectionClosed(record)
    }
}
