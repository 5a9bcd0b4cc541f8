import HarkCore
import HarkModel
public import HarkFormat
public import HarkStats

/// `hark stats --json`: the report as one JSON document. Field names are stable and documented in the
/// README; every status class key is always present.
public enum StatsJSON {
    /// Writes the report as one object.
    public static func write(_ report: StatsReport, to json: inout JSONWriter) {
        json.beginObject()
        json.member("exchanges", report.total.exchanges)
        json.member("connections", report.tcp.connections &+ report.quicConnections)
        json.member("quic_connections", report.quicConnections)
        json.member("requests_given_up", report.requestsGivenUp)
        json.key("start")
        if let first = report.firstTime { json.iso8601(CivilDateTime(first), fractionDigits: 6) } else { json.null() }
        json.key("end")
        if let last = report.lastTime { json.iso8601(CivilDateTime(last), fractionDigits: 6) } else { json.null() }
        json.key("total")
        json.beginObject()
        traffic(report.total, to: &json)
        json.endObject()
        json.key("hosts")
        json.beginArray()
        for row in report.hosts {
            json.beginObject()
            json.member("host", row.host)
            traffic(row.traffic, to: &json)
            json.endObject()
        }
        json.endArray()
        json.key("endpoints")
        json.beginArray()
        for row in report.endpoints {
            json.beginObject()
            json.member("host", row.endpoint.host)
            json.member("method", row.endpoint.method)
            json.member("pattern", row.endpoint.pattern)
            traffic(row.traffic, to: &json)
            json.endObject()
        }
        json.endArray()
        json.key("tcp")
        tcp(report, to: &json)
        json.key("tls")
        json.beginArray()
        for row in report.tlsServers { tlsServer(row, to: &json) }
        json.endArray()
        json.key("packets")
        if let packets = report.packets { packetCounts(packets, to: &json) } else { json.null() }
        json.endObject()
    }

    /// `{"read":1234,"not_analysed":{"UDP":785},"malformed":0,"dropped_by_kernel":null,
    /// "dropped_by_interface":null}`: the drop counts are null for a file.
    private static func packetCounts(_ packets: PacketCounts, to json: inout JSONWriter) {
        json.beginObject()
        json.member("read", packets.packets)
        json.key("not_analysed")
        json.beginObject()
        for kind in packets.notAnalysed {
            json.key(text: kind.name)
            json.integer(kind.count)
        }
        json.endObject()
        json.member("malformed", packets.malformed)
        json.key("dropped_by_kernel")
        if let dropped = packets.droppedByKernel { json.integer(Int64(clamping: dropped)) } else { json.null() }
        json.key("dropped_by_interface")
        if let dropped = packets.droppedByInterface { json.integer(Int64(clamping: dropped)) } else { json.null() }
        json.endObject()
    }

    /// `{"server":…,"connections":3,"decrypted":2,"versions":{"TLS 1.3":3},"alpn":{"h2":3},
    /// "bytes_sent":…,"bytes_received":…,"handshake_ms":{"p50":…,"p99":…,"max":…}}`.
    private static func tlsServer(_ row: TLSServerStats, to json: inout JSONWriter) {
        json.beginObject()
        json.member("server", row.server)
        json.member("connections", row.connections)
        json.member("decrypted", row.decrypted)
        json.key("versions")
        counts(row.versions, to: &json)
        json.key("alpn")
        counts(row.alpn, to: &json)
        json.member("bytes_sent", row.bytesSent)
        json.member("bytes_received", row.bytesReceived)
        json.key("handshake_ms")
        if let latency = row.handshake.summary {
            json.beginObject()
            json.key("p50")
            json.milliseconds(latency.p50)
            json.key("p99")
            json.milliseconds(latency.p99)
            json.key("max")
            json.milliseconds(latency.maximum)
            json.endObject()
        } else {
            json.null()
        }
        json.endObject()
    }

    /// A name → count object, names sorted.
    private static func counts(_ counts: [String: Int], to json: inout JSONWriter) {
        json.beginObject()
        for (name, count) in counts.sorted(by: { $0.key < $1.key }) {
            json.key(text: name)
            json.integer(count)
        }
        json.endObject()
    }

    private static func traffic(_ traffic: TrafficStats, to json: inout JSONWriter) {
        json.member("requests", traffic.exchanges)
        json.key("status")
        json.beginObject()
        for statusClass in StatusClass.allCases {
            json.key(text: statusClass.description)
            json.integer(traffic.statuses[statusClass])
        }
        json.endObject()
        json.key("latency_ms")
        if let latency = traffic.latency.summary {
            json.beginObject()
            json.member("count", latency.count)
            json.key("p50")
            json.milliseconds(latency.p50)
            json.key("p90")
            json.milliseconds(latency.p90)
            json.key("p99")
            json.milliseconds(latency.p99)
            json.key("max")
            json.milliseconds(latency.maximum)
            json.endObject()
        } else {
            json.null()
        }
        json.member("request_body_bytes", traffic.requestBodyBytes)
        json.member("response_body_bytes", traffic.responseBodyBytes)
        json.member("grpc_calls", traffic.grpcCalls)
        json.member("grpc_errors", traffic.grpcErrors)
        json.member("messages", traffic.messages)
        json.member("message_bytes", traffic.messageBytes)
    }

    private static func tcp(_ report: StatsReport, to json: inout JSONWriter) {
        let totals = report.tcp
        json.beginObject()
        json.member("connections", totals.connections)
        json.member("connections_with_problems", totals.connectionsWithProblems)
        json.member("retransmissions", totals.retransmissions)
        json.member("out_of_order", totals.outOfOrder)
        json.member("gaps", totals.gaps)
        json.member("gap_bytes", totals.gapBytes)
        json.member("resets", totals.resets)
        json.member("syn_retransmissions", totals.synRetransmissions)
        json.member("zero_windows", totals.zeroWindows)
        json.key("worst_connections")
        json.beginArray()
        for problems in report.worstConnections {
            let summary = problems.summary
            json.beginObject()
            json.member("connection", summary.info.id)
            json.member("client", summary.info.client.description)
            json.member("server", summary.info.server.description)
            json.member("protocol", problems.applicationProtocol.rawValue)
            json.member("severity", problems.severity)
            json.member("retransmissions_client_to_server", summary.clientToServer.retransmissions)
            json.member("retransmissions_server_to_client", summary.serverToClient.retransmissions)
            json.member("out_of_order", problems.outOfOrder)
            json.member("gaps", problems.gaps)
            json.member("gap_bytes", problems.gapBytes)
            json.member("overlap_conflicts", problems.overlapConflicts)
            json.member("syn_retransmissions", summary.synRetransmissions)
            json.member("zero_windows", problems.zeroWindows)
            json.key("reset_by")
            if let resetBy = summary.resetBy { json.string(TCPEventText.side(resetBy)) } else { json.null() }
            json.member("end", summary.endDescription)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }
}
