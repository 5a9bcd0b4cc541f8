public import HarkModel
import HarkCore

/// RED metrics per service and route, and TCP connection metrics per server, accumulated over a run
/// and encoded as cumulative OTLP metrics, so that dashboards work without trace sampling.
///
/// Requests count under `hark.http.requests` and `hark.http.errors` (an error is a span with status
/// ERROR) keyed by method, route (the `hark stats` endpoint pattern) and server address, and under the
/// conventions' `http.client.request.duration` / `http.server.request.duration` histogram (seconds),
/// keyed by those plus the status code. Connections count under `hark.tcp.connections`,
/// `hark.tcp.retransmissions`, `hark.tcp.resets` and the `hark.tcp.handshake.duration` histogram, keyed
/// by server address and port. At most `maximumSeries` keys are kept per metric family; later ones
/// count under one overflow key marked `otel.metric.overflow`.
public struct TrafficMetrics {
    /// The histogram buckets the HTTP conventions recommend for durations in seconds.
    public static let durationBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]

    private struct RequestKey: Hashable {
        var service: String
        var kind: OTLPSpan.Kind
        var attributes: [OTLPAttribute]
    }

    private struct DurationKey: Hashable {
        var request: RequestKey
        var status: Int?
    }

    private struct ConnectionKey: Hashable {
        var service: String
        var attributes: [OTLPAttribute]
    }

    private struct ConnectionCounts {
        var connections: Int64 = 0
        var retransmissions: Int64 = 0
        var resets: Int64 = 0
        var handshake = OTLPMetric.HistogramPoint(bounds: TrafficMetrics.durationBounds)
    }

    /// Series kept per metric family.
    public let maximumSeries: Int
    private var requests: [RequestKey: (count: Int64, errors: Int64)] = [:]
    private var durations: [DurationKey: OTLPMetric.HistogramPoint] = [:]
    private var connections: [ConnectionKey: ConnectionCounts] = [:]
    private var firstTime: Int64?
    private var lastTime: Int64?

    /// - Parameter maximumSeries: keys kept per metric family before overflow.
    public init(maximumSeries: Int = 2000) {
        self.maximumSeries = maximumSeries
    }

    /// Whether anything was counted.
    public var isEmpty: Bool { firstTime == nil }

    /// Counts one exchange of `service`, described by its span.
    public mutating func add(_ span: ExchangeSpan, service: String, isError: Bool) {
        let exchange = span.exchange
        var key = RequestKey(
            service: service, kind: span.kind,
            attributes: [
                .string("http.request.method", span.method), .string("http.route", span.route),
                .string("server.address", exchange.request.host(server: exchange.connection.server)),
            ]
        )
        if requests.count >= maximumSeries, requests[key] == nil { key.attributes = [.bool("otel.metric.overflow", true)] }
        Self.count(&requests[key, default: (0, 0)], isError: isError)
        let status = exchange.response.map(\.status.rawValue)
        var durationKey = DurationKey(request: key, status: status)
        if durations.count >= maximumSeries, durations[durationKey] == nil {
            durationKey = DurationKey(request: RequestKey(service: service, kind: span.kind, attributes: [.bool("otel.metric.overflow", true)]), status: nil)
        }
        durations[durationKey, default: OTLPMetric.HistogramPoint(bounds: Self.durationBounds)].record(exchange.duration.seconds)
        see(exchange.request.firstByte.nanoseconds)
        see((exchange.response?.lastByte ?? exchange.request.lastByte).nanoseconds)
    }

    /// Adds one request to a series' counts (one dictionary access for both counts).
    private static func count(_ counts: inout (count: Int64, errors: Int64), isError: Bool) {
        counts.count += 1
        if isError { counts.errors += 1 }
    }

    /// Counts one finished connection of `service`.
    public mutating func add(_ connection: ConnectionRecord, service: String) {
        let summary = connection.summary
        var key = ConnectionKey(
            service: service,
            attributes: [.string("server.address", summary.info.server.address.description), .int("server.port", Int(summary.info.server.port))]
        )
        if connections[key] == nil, connections.count >= maximumSeries { key.attributes = [.bool("otel.metric.overflow", true)] }
        var counts = connections[key] ?? ConnectionCounts()
        counts.connections += 1
        counts.retransmissions += Int64(summary.clientToServer.retransmissions + summary.serverToClient.retransmissions)
        if summary.resetBy != nil { counts.resets += 1 }
        if let rtt = summary.handshakeRoundTrip { counts.handshake.record(rtt.seconds) }
        connections[key] = counts
        see(summary.info.firstTimestamp.nanoseconds)
        see(summary.lastTimestamp.nanoseconds)
    }

    private mutating func see(_ time: Int64) {
        firstTime = min(firstTime ?? time, time)
        lastTime = max(lastTime ?? time, time)
    }

    /// Everything counted so far as an `ExportMetricsServiceRequest`, from the first to the last capture
    /// time seen; `resource` gives each service's resource. Nil while nothing was counted.
    public func encoded(scopeVersion: String) -> [UInt8]? {
        guard let firstTime, let lastTime else { return nil }
        var byService: [String: [OTLPMetric]] = [:]
        for service in Set(requests.keys.map(\.service)).union(connections.keys.map(\.service)) {
            byService[service] = metrics(of: service)
        }
        let groups = byService.sorted { $0.key < $1.key }.map { (resource: OTLPResource(serviceName: $0.key), metrics: $0.value) }
        return OTLPMetricsRequest.encode(groups, start: firstTime, time: lastTime, scopeVersion: scopeVersion)
    }

    /// The entries of `series` in the order of `key` (computed once per entry), so that snapshots list
    /// points in a stable order.
    private static func sorted<Key, Value>(_ series: [Key: Value], by key: (Key) -> String) -> [(key: Key, value: Value)] {
        series.map { (sortKey: key($0.key), entry: (key: $0.key, value: $0.value)) }.sorted { $0.sortKey < $1.sortKey }.map(\.entry)
    }

    /// `name=value` pairs, for ordering.
    private static func sortKey(_ attributes: [OTLPAttribute]) -> String {
        var key = ""
        for attribute in attributes {
            key += attribute.key + "="
            switch attribute.value {
            case .string(let text): key += text
            case .int(let number): key += String(number)
            case .bool(let flag): key += flag ? "true" : "false"
            case .double(let number): key += String(number)
            }
            key += "\u{1}"
        }
        return key
    }

    private func metrics(of service: String) -> [OTLPMetric] {
        let ownRequests = Self.sorted(requests.filter { $0.key.service == service }) { Self.sortKey($0.attributes) }
        let ownDurations = Self.sorted(durations.filter { $0.key.request.service == service }) { Self.sortKey($0.request.attributes) + " " + String($0.status ?? 0) }
        let ownConnections = Self.sorted(connections.filter { $0.key.service == service }) { Self.sortKey($0.attributes) }
        var metrics: [OTLPMetric] = []
        if !ownRequests.isEmpty {
            metrics.append(
                OTLPMetric(
                    name: "hark.http.requests", description: "HTTP exchanges seen", unit: "{request}",
                    points: ownRequests.map { .sum($0.key.attributes, $0.value.count) }
                )
            )
            metrics.append(
                OTLPMetric(
                    name: "hark.http.errors", description: "HTTP exchanges whose span has status ERROR", unit: "{request}",
                    points: ownRequests.map { .sum($0.key.attributes, $0.value.errors) }
                )
            )
        }
        for kind in [OTLPSpan.Kind.client, .server] {
            let points = ownDurations.filter { $0.key.request.kind == kind }.map { entry in
                OTLPMetric.Data.histogram(
                    entry.key.request.attributes + (entry.key.status.map { [.int("http.response.status_code", $0)] } ?? []), entry.value
                )
            }
            guard !points.isEmpty else { continue }
            let side = kind == .client ? "client" : "server"
            metrics.append(
                OTLPMetric(
                    name: "http.\(side).request.duration", description: "Request first byte to response last byte, from the packets",
                    unit: "s", points: points
                )
            )
        }
        if !ownConnections.isEmpty {
            metrics.append(OTLPMetric(name: "hark.tcp.connections", description: "TCP connections that ended", unit: "{connection}", points: ownConnections.map { .sum($0.key.attributes, $0.value.connections) }))
            metrics.append(OTLPMetric(name: "hark.tcp.retransmissions", description: "Retransmitted TCP segments, both directions", unit: "{segment}", points: ownConnections.map { .sum($0.key.attributes, $0.value.retransmissions) }))
            metrics.append(OTLPMetric(name: "hark.tcp.resets", description: "TCP connections ended by a RST", unit: "{connection}", points: ownConnections.map { .sum($0.key.attributes, $0.value.resets) }))
            let handshakes = ownConnections.filter { $0.value.handshake.count > 0 }
            if !handshakes.isEmpty {
                metrics.append(OTLPMetric(name: "hark.tcp.handshake.duration", description: "SYN to the ACK of the SYN-ACK", unit: "s", points: handshakes.map { .histogram($0.key.attributes, $0.value.handshake) }))
            }
        }
        return metrics
    }
}
