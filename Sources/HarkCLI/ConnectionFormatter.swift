import HarkModel
import HarkCore
import HarkFormat
import HarkReassembly
import HarkSession
import HarkText

/// Renders a finished connection as a text line or a JSON object.
enum ConnectionFormatter {
    /// `#3 10.0.2.15:55082 → 192.150.187.43:80 http1 2014-01-14T17:04:01.822Z 17.49s ↑ 26 pkt 3.1 kB ↓ 27 pkt 30.2 kB rtt 93.2 ms retx 0/1 gaps 0/0 end fin`
    static func text(_ record: ConnectionRecord) -> String {
        let summary = record.summary
        let info = summary.info
        let up = summary.clientToServer
        let down = summary.serverToClient
        var line = "#\(info.id) \(info.client) → \(info.server) \(record.applicationProtocol)"
        line += " \(TimestampFormat.iso8601(info.firstTimestamp, fractionDigits: 3))"
        line += " \(TimestampFormat.duration(summary.lastTimestamp.since(info.firstTimestamp)))"
        line += " ↑ \(up.packets) pkt \(ByteCountFormat.short(up.payloadBytes))"
        line += " ↓ \(down.packets) pkt \(ByteCountFormat.short(down.payloadBytes))"
        if let rtt = summary.handshakeRoundTrip {
            line += " rtt \(TimestampFormat.duration(rtt))"
        }
        if up.retransmissions + down.retransmissions > 0 {
            line += " retx \(up.retransmissions)/\(down.retransmissions)"
        }
        if up.gaps + down.gaps > 0 {
            line += " gaps \(up.gaps)/\(down.gaps) (\(ByteCountFormat.short(up.gapBytes + down.gapBytes)) lost)"
        }
        if info.roleSource != .handshake {
            line += " roles-by \(info.roleSource.rawValue)"
        }
        line += " end \(summary.endDescription)"
        if let quic = record.quic {
            line += " | \(QUICText.summary(quic, decrypted: record.tls?.isDecrypted ?? false))"
        }
        if let tls = record.tls {
            line += " | \(TLSText.summary(tls))"
        }
        return line
    }

    /// Writes the members of one connection's JSON object, in a fixed order; field names are stable
    /// and documented in the README.
    static func json(_ record: ConnectionRecord, to json: inout JSONWriter) {
        let summary = record.summary
        let info = summary.info
        json.member("type", "connection")
        json.member("id", info.id)
        json.member("client", info.client.description)
        json.member("server", info.server.description)
        json.member("protocol", record.applicationProtocol.rawValue)
        json.key("start")
        json.iso8601(CivilDateTime(info.firstTimestamp), fractionDigits: 6)
        json.key("duration_ms")
        json.milliseconds(summary.lastTimestamp.since(info.firstTimestamp))
        json.member("first_packet", info.firstPacketNumber)
        json.member("roles_from", info.roleSource.rawValue)
        if let rtt = summary.handshakeRoundTrip {
            json.key("handshake_rtt_ms")
            json.milliseconds(rtt)
        }
        json.member("syn_retransmissions", summary.synRetransmissions)
        json.key("client_to_server")
        ConnectionJSON.counters(summary.clientToServer, to: &json)
        json.key("server_to_client")
        ConnectionJSON.counters(summary.serverToClient, to: &json)
        json.member("end", summary.endDescription)
        json.key("tls")
        if let tls = record.tls { TLSText.json(tls, to: &json) } else { json.null() }
        json.key("quic")
        if let quic = record.quic { QUICText.json(quic, to: &json) } else { json.null() }
    }
}
