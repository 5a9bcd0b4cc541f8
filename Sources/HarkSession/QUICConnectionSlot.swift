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
    /// UDP flows (paths) the connection is on now: more than one after it moved.
    var flows = 1
    /// The counters of the paths that ended, client→server and server→client, and the last packet's time.
    private var clientToServer = DirectionStatistics()
    private var serverToClient = DirectionStatistics()
    private(set) var lastTimestamp: Timestamp
    /// The HTTP/3 inside, made on the first stream data when messages are parsed.
    var http3: HTTP3Analyzer?
    /// When the client's first packet (its ClientHello) was captured.
    let clientHelloTime: Timestamp
    /// Exchanges reported on the connection so far.
    var exchangesReported = 0
    /// How many connection IDs (`QUICConnectionSummary.connectionIDs`) the session's index holds.
    var indexedConnectionIDs = 0

    init(info: TCPConnectionInfo, analyzer: QUICConnectionAnalyzer) {
        self.info = info
        self.lastTimestamp = info.firstTimestamp
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
            handshakeCompletedTime: summary.handshakeCompletedTime,
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
            earlyDataPackets: summary.earlyDataPackets,
            connectionIDs: summary.connectionIDs
        )
    }

    /// The connection context of its exchanges.
    var context: ConnectionContext {
        ConnectionContext(id: info.id, client: info.client, server: info.server, tls: tls)
    }

    /// Adds an ended path's counters (`swapped`: its first sender was the server).
    func add(_ flow: UDPFlow, swapped: Bool) {
        for (from, to) in [(swapped ? flow.serverToClient : flow.clientToServer, \QUICConnectionSlot.clientToServer),
                           (swapped ? flow.clientToServer : flow.serverToClient, \QUICConnectionSlot.serverToClient)] {
            self[keyPath: to].packets &+= from.packets
            self[keyPath: to].payloadBytes &+= from.payloadBytes
        }
        lastTimestamp = max(lastTimestamp, flow.lastTimestamp)
        lastEnd = flow.endReason
    }

    /// How the last path ended.
    private var lastEnd: StreamEndReason?

    /// The connection's record once its last path ended.
    func record() -> ConnectionRecord {
        let end: StreamEndReason = analyzer.summary.closed != nil ? .fin : lastEnd ?? .endOfCapture
        let summary = TCPConnectionSummary(
            info: info, lastTimestamp: lastTimestamp,
            clientToServer: clientToServer,
            serverToClient: serverToClient,
            handshakeRoundTrip: nil, synRetransmissions: 0, clientEnd: end, serverEnd: end, resetBy: nil)
        return ConnectionRecord(summary: summary, applicationProtocol: applicationProtocol, tls: tls, quic: quic)
    }
}
