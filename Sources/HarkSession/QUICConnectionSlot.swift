import HarkCore
import HarkHTTP3
import HarkModel
import HarkQUIC
import HarkReassembly
import HarkTLS

/// What the session tracks for one QUIC connection (one UDP flow that began with a QUIC long header).
final class QUICConnectionSlot {
    let info: TCPConnectionInfo
    var analyzer: QUICConnectionAnalyzer
    /// The HTTP/3 inside, made on the first stream data when messages are parsed.
    var http3: HTTP3Analyzer?
    /// When the client's first packet (its ClientHello) was captured.
    let clientHelloTime: Timestamp
    /// Exchanges reported on the connection so far.
    var exchangesReported = 0

    init(info: TCPConnectionInfo, analyzer: QUICConnectionAnalyzer) {
        self.info = info
        self.analyzer = analyzer
        self.clientHelloTime = info.firstTimestamp
    }

    /// The handshake as every view shows a TLS session: QUIC always carries TLS 1.3.
    var tls: TLSSummary {
        let summary = analyzer.summary
        return TLSSummary(
            version: summary.cipherSuite == nil ? "" : "TLS 1.3",
            cipherSuite: summary.cipherSuite?.name ?? "",
            serverName: summary.serverName,
            offeredALPN: summary.offeredALPN,
            alpn: summary.alpn,
            clientHelloTime: clientHelloTime,
            notDecryptedReason: summary.notDecryptedReason
        )
    }

    /// `h3` once 1-RTT packets were decrypted on a connection that chose HTTP/3, else `quic`.
    var applicationProtocol: ApplicationProtocol {
        let summary = analyzer.summary
        return summary.decrypted && (summary.alpn ?? "").hasPrefix("h3") ? .http3 : .quic
    }

    /// The QUIC facts for the connection record.
    var quic: QUICSummary {
        let summary = analyzer.summary
        return QUICSummary(
            version: summary.version.map { "\($0)" } ?? "",
            closed: summary.closed,
            packets: summary.packets,
            undecryptedPackets: summary.undecryptedPackets,
            keyUpdates: summary.keyUpdates,
            connectionIDs: summary.connectionIDs
        )
    }

    /// The connection context of its exchanges.
    var context: ConnectionContext {
        ConnectionContext(id: info.id, client: info.client, server: info.server, tls: tls)
    }

    /// The connection's record once its flow ended.
    func record(_ flow: UDPFlow) -> ConnectionRecord {
        let end: StreamEndReason = analyzer.summary.closed != nil ? .fin : flow.endReason ?? .endOfCapture
        let summary = TCPConnectionSummary(
            info: info, lastTimestamp: flow.lastTimestamp, clientToServer: flow.clientToServer, serverToClient: flow.serverToClient,
            handshakeRoundTrip: nil, synRetransmissions: 0, clientEnd: end, serverEnd: end, resetBy: nil)
        return ConnectionRecord(summary: summary, applicationProtocol: applicationProtocol, tls: tls, quic: quic)
    }
}
