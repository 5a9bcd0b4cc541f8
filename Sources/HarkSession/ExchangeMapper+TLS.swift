import HarkCore
import HarkModel
import HarkReassembly

extension ExchangeMapper {
    /// A TLS connection nothing could be read inside: one exchange of protocol `tls` standing for the
    /// whole connection, so that traces (and HAR with `--include-undecrypted`) still show it. Its
    /// request is a placeholder (method `-`) addressed to the server name, from the ClientHello to the
    /// client's last byte; there is no response; `problems` says why and how many bytes went each way.
    /// A QUIC connection gets the same, of protocol `quic`.
    static func exchange(
        undecrypted summary: TCPConnectionSummary, tls: TLSSummary, id: Int, connection: ConnectionContext,
        applicationProtocol: ApplicationProtocol = .tls
    ) -> Exchange {
        var context = connection
        context.tls = tls
        let start = tls.clientHelloTime ?? summary.info.firstTimestamp
        let sent = summary.clientToServer.payloadBytes
        let received = summary.serverToClient.payloadBytes
        let request = HTTPRequestRecord.placeholder(
            scheme: "https",
            authority: tls.serverName,
            version: tls.version,
            at: start,
            body: HTTPMessageBody(wireBytes: Int(clamping: sent)),
            lastByte: max(start, summary.lastTimestamp)
        )
        let reason = tls.notDecryptedReason ?? "not decrypted"
        return Exchange(
            id: id,
            connection: context,
            applicationProtocol: applicationProtocol,
            indexOnConnection: 0,
            request: request,
            response: nil,
            problems: ["\(applicationProtocol == .quic ? "QUIC" : "TLS") not decrypted: \(reason); \(sent) bytes sent, \(received) received"]
        )
    }
}
