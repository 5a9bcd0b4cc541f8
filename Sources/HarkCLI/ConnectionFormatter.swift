import HarkModel
import HarkCore
import HarkFormat
import HarkReassembly
import HarkSession

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
        return line
    }

    /// One JSON object (no trailing newline); field names are stable and documented in the README.
    static func json(_ record: ConnectionRecord) -> String {
        let summary = record.summary
        let info = summary.info
        var object = JSONObjectBuilder()
        object.add("type", "connection")
        object.add("id", info.id)
        object.add("client", info.client.description)
        object.add("server", info.server.description)
        object.add("protocol", record.applicationProtocol.rawValue)
        object.add("start", TimestampFormat.iso8601(info.firstTimestamp, fractionDigits: 6))
        object.add("duration_ms", summary.lastTimestamp.since(info.firstTimestamp).milliseconds)
        object.add("first_packet", info.firstPacketNumber)
        object.add("roles_from", info.roleSource.rawValue)
        if let rtt = summary.handshakeRoundTrip {
            object.add("handshake_rtt_ms", rtt.milliseconds)
        }
        object.add("syn_retransmissions", summary.synRetransmissions)
        object.addRaw("client_to_server", directionJSON(summary.clientToServer))
        object.addRaw("server_to_client", directionJSON(summary.serverToClient))
        object.add("end", summary.endDescription)
        return object.build()
    }

    private static func directionJSON(_ statistics: DirectionStatistics) -> String {
        var object = JSONObjectBuilder()
        object.add("packets", statistics.packets)
        object.add("bytes", statistics.payloadBytes)
        object.add("delivered_bytes", statistics.deliveredBytes)
        object.add("retransmissions", statistics.retransmissions)
        object.add("out_of_order", statistics.outOfOrder)
        object.add("gaps", statistics.gaps)
        object.add("gap_bytes", statistics.gapBytes)
        object.add("duplicate_acks", statistics.duplicateAcks)
        object.add("zero_windows", statistics.zeroWindows)
        object.add("overlap_conflicts", statistics.overlapConflicts)
        return object.build()
    }
}
