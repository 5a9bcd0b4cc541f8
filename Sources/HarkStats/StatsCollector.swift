import HarkCore
public import HarkModel

/// Adds up a capture for `hark stats`: exchanges per host and per endpoint (method and path pattern),
/// and TCP problems per connection. Feed it exchanges and finished connections in any order, then
/// take the ``report``.
///
/// Memory is bounded by ``StatsLimits``: hosts and endpoints past the limits are counted in overflow
/// rows, and only the worst connections are kept.
///
/// ### Example
///
/// ```swift
/// var collector = StatsCollector()
/// collector.add(exchange)
/// collector.add(connection: record.summary, applicationProtocol: record.applicationProtocol, tls: record.tls)
/// let report = collector.report
/// ```
public struct StatsCollector: Sendable {
    /// The host under which exchanges are counted once ``StatsLimits/maximumHosts`` are tracked.
    public static let otherHosts = "(other hosts)"
    /// The endpoint under which exchanges are counted once ``StatsLimits/maximumEndpoints`` are tracked.
    public static let otherEndpoints = EndpointKey(host: "(other)", method: "*", pattern: "(other endpoints)")

    /// The bounds in force.
    public let limits: StatsLimits
    private var hosts: [String: TrafficStats] = [:]
    private var endpoints: [EndpointKey: TrafficStats] = [:]
    private var total = TrafficStats()
    private var worst: [ConnectionProblems] = []
    private var quicConnections = 0
    private var tcp = TCPProblemTotals()
    private var tlsServers: [String: TLSServerStats] = [:]
    /// For open connections an exchange switched to a message protocol, by the HTTP/2 stream it
    /// switched (nil: the whole connection): where its messages count.
    private var upgradedConnections: [Int: [Int?: (host: String, endpoint: EndpointKey)]] = [:]
    private var firstTime: Timestamp?
    private var lastTime: Timestamp?

    /// - Parameter limits: how much to keep (defaults documented on ``StatsLimits``).
    public init(limits: StatsLimits = StatsLimits()) {
        self.limits = limits
    }

    /// Counts one exchange under its host (the authority without port, lowercased, or the server
    /// address) and its endpoint. A TLS connection that could not be decrypted (an exchange of
    /// protocol `tls`) is no HTTP exchange: it counts in the TLS table, from its connection.
    public mutating func add(_ exchange: Exchange) {
        guard !exchange.isUndecryptedStandIn else { return }
        total.add(exchange)
        let host = exchange.request.host(server: exchange.connection.server).lowercased()
        let hostKey = hosts[host] != nil || hosts.count < limits.maximumHosts ? host : Self.otherHosts
        hosts[hostKey, default: TrafficStats()].add(exchange)

        let endpoint = EndpointKey(
            host: host,
            method: exchange.request.method.rawValue,
            pattern: EndpointPattern.pattern(for: exchange.request.target)
        )
        let endpointKey = endpoints[endpoint] != nil || endpoints.count < limits.maximumEndpoints ? endpoint : Self.otherEndpoints
        endpoints[endpointKey, default: TrafficStats()].add(exchange)
        if exchange.switchedTo != nil {
            upgradedConnections[exchange.connection.id, default: [:]][exchange.streamID] = (hostKey, endpointKey)
        }

        let end = exchange.response?.lastByte ?? exchange.request.lastByte
        if firstTime.map({ exchange.request.firstByte < $0 }) ?? true { firstTime = exchange.request.firstByte }
        if lastTime.map({ end > $0 }) ?? true { lastTime = end }
    }

    /// Counts one message (a WebSocket message) under the host and endpoint of the exchange that
    /// switched its connection or HTTP/2 stream; a message whose upgrade was not captured counts under
    /// the server address.
    public mutating func add(_ message: ConnectionMessage) {
        total.add(message)
        if let owner = upgradedConnections[message.connection.id]?[message.streamID.map(Int.init)] {
            hosts[owner.host, default: TrafficStats()].add(message)
            endpoints[owner.endpoint, default: TrafficStats()].add(message)
            return
        }
        let host = message.connection.server.address.description
        let hostKey = hosts[host] != nil || hosts.count < limits.maximumHosts ? host : Self.otherHosts
        hosts[hostKey, default: TrafficStats()].add(message)
    }

    /// The server name under which TLS sessions are counted once ``StatsLimits/maximumHosts`` are tracked.
    public static let otherTLSServers = "(other servers)"

    /// Counts one finished connection's TCP problems and, for TLS, its session.
    public mutating func add(connection summary: TCPConnectionSummary, applicationProtocol: ApplicationProtocol, tls: TLSSummary? = nil) {
        upgradedConnections[summary.info.id] = nil
        if let tls {
            let name = tls.serverName?.lowercased() ?? summary.info.server.address.description
            let key = tlsServers[name] != nil || tlsServers.count < limits.maximumHosts ? name : Self.otherTLSServers
            tlsServers[key, default: TLSServerStats(server: key)].add(
                tls,
                bytesSent: summary.clientToServer.payloadBytes,
                bytesReceived: summary.serverToClient.payloadBytes
            )
        }
        // QUIC connections have no TCP counters.
        guard applicationProtocol != .http3, applicationProtocol != .quic else {
            quicConnections &+= 1
            return
        }
        let problems = ConnectionProblems(summary: summary, applicationProtocol: applicationProtocol)
        tcp.add(summary, problems: problems)
        guard let problems, limits.worstConnections > 0 else { return }
        worst.append(problems)
        if worst.count >= 2 * limits.worstConnections {
            worst.sort(by: ConnectionProblems.worseFirst)
            worst.removeLast(worst.count - limits.worstConnections)
        }
    }

    /// Everything counted so far, sorted for reading: hosts and endpoints by exchange count (most
    /// first, then by name), connections worst first.
    public var report: StatsReport {
        let hostRows = hosts.map { HostStats(host: $0.key, traffic: $0.value) }
            .sorted { ($1.traffic.exchanges, $0.host) < ($0.traffic.exchanges, $1.host) }
        let endpointRows = endpoints.map { EndpointStats(endpoint: $0.key, traffic: $0.value) }
            .sorted { ($1.traffic.exchanges, $0.endpoint) < ($0.traffic.exchanges, $1.endpoint) }
        let worstRows = Array(worst.sorted(by: ConnectionProblems.worseFirst).prefix(limits.worstConnections))
        let tlsRows = tlsServers.values.sorted { ($1.connections, $0.server) < ($0.connections, $1.server) }
        var report = StatsReport(
            total: total,
            firstTime: firstTime,
            lastTime: lastTime,
            hosts: hostRows,
            endpoints: endpointRows,
            tcp: tcp,
            worstConnections: worstRows,
            tlsServers: tlsRows
        )
        report.quicConnections = quicConnections
        return report
    }
}

/// An endpoint: host, method and path pattern.
public struct EndpointKey: Hashable, Comparable, Sendable {
    /// The host, as in ``StatsCollector/add(_:)``.
    public var host: String
    /// The method token.
    public var method: String
    /// The path pattern (see ``EndpointPattern``).
    public var pattern: String

    /// - Parameters: as the properties of the same names.
    public init(host: String, method: String, pattern: String) {
        self.host = host
        self.method = method
        self.pattern = pattern
    }

    /// By host, then pattern, then method.
    public static func < (lhs: EndpointKey, rhs: EndpointKey) -> Bool {
        (lhs.host, lhs.pattern, lhs.method) < (rhs.host, rhs.pattern, rhs.method)
    }
}
