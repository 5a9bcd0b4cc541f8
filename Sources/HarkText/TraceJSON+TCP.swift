import HarkCore
import HarkFormat
import HarkModel

extension TraceJSON {
    /// `{"type":"tcp","connection":0,"time":…,"packet":12,"event":"retransmission","from":"server","bytes":1448}`;
    /// `bytes` only for events with a size, `rtt_ms` only for `handshake_complete`, `offset` only for
    /// `overlap_conflict`.
    static func tcpEvent(_ event: TCPEvent, to json: inout JSONWriter) {
        json.member("type", "tcp")
        json.member("connection", event.connectionID)
        time("time", event.timestamp, to: &json)
        json.member("packet", event.packetNumber)
        json.member("event", TCPEventText.name(event.kind).rawValue)
        json.member("from", TCPEventText.side(event.direction))
        switch event.kind {
        case .handshakeComplete(let roundTrip):
            json.key("rtt_ms")
            json.milliseconds(roundTrip)
        case .retransmission(let length), .outOfOrder(let length), .gap(let length):
            json.member("bytes", length)
        case .overlapConflict(let offset, let length):
            json.member("bytes", length)
            json.member("offset", offset)
        default:
            break
        }
    }

    /// `{"type":"connection","event":"open","connection":0,"time":…,"client":…,"server":…,"roles_from":"handshake","packet":1}`.
    static func connectionOpened(_ info: TCPConnectionInfo, to json: inout JSONWriter) {
        json.member("type", "connection")
        json.member("event", "open")
        json.member("connection", info.id)
        time("time", info.firstTimestamp, to: &json)
        json.member("client", info.client.description)
        json.member("server", info.server.description)
        json.member("roles_from", info.roleSource.rawValue)
        json.member("packet", info.firstPacketNumber)
    }

    /// `{"type":"connection","event":"close", …}`: the connection's counters, both directions.
    static func connectionClosed(_ record: ConnectionRecord, to json: inout JSONWriter) {
        let summary = record.summary
        let info = summary.info
        json.member("type", "connection")
        json.member("event", "close")
        json.member("connection", info.id)
        time("time", summary.lastTimestamp, to: &json)
        json.member("client", info.client.description)
        json.member("server", info.server.description)
        json.member("protocol", record.applicationProtocol.rawValue)
        time("start", info.firstTimestamp, to: &json)
        json.key("duration_ms")
        json.milliseconds(summary.lastTimestamp.since(info.firstTimestamp))
        json.key("handshake_rtt_ms")
        if let rtt = summary.handshakeRoundTrip { json.milliseconds(rtt) } else { json.null() }
        json.member("syn_retransmissions", summary.synRetransmissions)
        json.member("end", summary.endDescription)
        json.key("reset_by")
        optional(summary.resetBy.map(TCPEventText.side), to: &json)
        json.key("client_to_server")
        ConnectionJSON.counters(summary.clientToServer, to: &json)
        json.key("server_to_client")
        ConnectionJSON.counters(summary.serverToClient, to: &json)
        json.key("tls")
        if let tls = record.tls { TLSText.json(tls, to: &json) } else { json.null() }
        json.key("quic")
        if let quic = record.quic { QUICText.json(quic, to: &json) } else { json.null() }
    }

    /// `{"type":"diagnostic","severity":"error","message":…,"packet":17,"offset":1234,"connection":null}`.
    static func diagnostic(_ diagnostic: Diagnostic, to json: inout JSONWriter) {
        json.member("type", "diagnostic")
        json.member("severity", diagnostic.severity.rawValue)
        json.member("message", diagnostic.message)
        json.key("packet")
        optional(diagnostic.packetNumber, to: &json)
        json.key("offset")
        if let offset = diagnostic.byteOffset { json.integer(offset) } else { json.null() }
        json.key("connection")
        optional(diagnostic.connectionID, to: &json)
    }
}
