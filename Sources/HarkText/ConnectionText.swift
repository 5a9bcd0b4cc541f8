import HarkCore
import HarkFormat
import HarkModel

/// Words for a connection's start (when it was not a plain handshake) and its end.
enum ConnectionText {
    /// The line for a connection whose start is worth a word, or nil for one that began with a
    /// captured SYN (its `connected` event says enough).
    static func opened(_ info: TCPConnectionInfo) -> String? {
        switch info.roleSource {
        case .handshake: nil
        case .synAck: "joined at the SYN-ACK (SYN not captured)"
        case .portHeuristic: "joined mid-connection (no handshake captured; server picked by port)"
        case .listeningPort: "joined mid-connection (no handshake captured; server listens on this machine)"
        case .webSocketMasking: "joined after a WebSocket upgrade (the client is the side that masks its frames)"
        }
    }

    /// `closed after 17.49 s: http1, ↑ 26 pkt 3.1 kB ↓ 27 pkt 30.2 kB, retransmissions ↑0 ↓1`; ↑ counts
    /// what the client sent, ↓ what the server sent.
    static func closed(_ record: ConnectionRecord) -> String {
        let summary = record.summary
        let up = summary.clientToServer
        let down = summary.serverToClient
        var line: String
        switch summary.endDescription {
        case "fin": line = "closed"
        case "rst-client": line = "aborted by client (RST)"
        case "rst-server": line = "aborted by server (RST)"
        case "idle": line = "gone idle"
        case "reused": line = "replaced by a new connection on the same ports"
        case "half-closed": line = "half-closed at end of capture"
        default: line = "still open at end of capture"
        }
        line += " after \(TimestampFormat.duration(summary.lastTimestamp.since(summary.info.firstTimestamp)))"
        line += ": \(record.applicationProtocol)"
        if let quic = record.quic {
            line += " over \(QUICText.summary(quic, decrypted: record.tls?.isDecrypted ?? false))"
        }
        if let tls = record.tls {
            line += " (\(TLSText.summary(tls)))"
        }
        line += ", ↑ \(up.packets) pkt \(ByteCountFormat.short(up.payloadBytes))"
        line += " ↓ \(down.packets) pkt \(ByteCountFormat.short(down.payloadBytes))"
        if record.quic == nil, summary.info.roleSource == .handshake, summary.handshakeRoundTrip == nil {
            line += ", handshake never completed"
        }
        if summary.synRetransmissions > 0 {
            line += ", \(summary.synRetransmissions) SYN \(summary.synRetransmissions == 1 ? "retry" : "retries")"
        }
        if up.retransmissions &+ down.retransmissions > 0 {
            line += ", retransmissions ↑\(up.retransmissions) ↓\(down.retransmissions)"
        }
        if up.gaps &+ down.gaps > 0 {
            line += ", gaps ↑\(up.gaps) ↓\(down.gaps) (\(ByteCountFormat.short(up.gapBytes &+ down.gapBytes)) lost)"
        }
        if up.zeroWindows &+ down.zeroWindows > 0 {
            line += ", zero windows ↑\(up.zeroWindows) ↓\(down.zeroWindows)"
        }
        return line
    }
}
