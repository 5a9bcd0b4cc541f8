public import HarkCore

/// What `hark stats` shows: totals, per-host and per-endpoint rows, and TCP problems.
public struct StatsReport: Sendable {
    /// Every exchange together.
    public var total: TrafficStats
    /// The first request's start; nil without exchanges.
    public var firstTime: Timestamp?
    /// The last exchange's end; nil without exchanges.
    public var lastTime: Timestamp?
    /// Per host, most exchanges first.
    public var hosts: [HostStats]
    /// Per endpoint, most exchanges first.
    public var endpoints: [EndpointStats]
    /// TCP problems over all connections.
    public var tcp: TCPProblemTotals
    /// The connections with the most problems, worst first (at most `StatsLimits.worstConnections`).
    public var worstConnections: [ConnectionProblems]
    /// TLS sessions per server name, most connections first.
    public var tlsServers: [TLSServerStats]
    /// QUIC connections (their TLS sessions are in `tlsServers`; they have no TCP problems).
    public var quicConnections = 0
    /// What happened to the packets (read, not analysed, dropped); nil when not known.
    public var packets: PacketCounts?
    /// Requests given up without their responses because the session held too many requests waiting
    /// for responses (`SessionStatistics.waitingRequestsGivenUp`); they are also among the exchanges,
    /// with status class `none`.
    public var requestsGivenUp = 0

    /// - Parameters: as the properties of the same names.
    public init(
        total: TrafficStats,
        firstTime: Timestamp?,
        lastTime: Timestamp?,
        hosts: [HostStats],
        endpoints: [EndpointStats],
        tcp: TCPProblemTotals,
        worstConnections: [ConnectionProblems],
        tlsServers: [TLSServerStats] = []
    ) {
        self.total = total
        self.firstTime = firstTime
        self.lastTime = lastTime
        self.hosts = hosts
        self.endpoints = endpoints
        self.tcp = tcp
        self.worstConnections = worstConnections
        self.tlsServers = tlsServers
    }
}

/// One host's row.
public struct HostStats: Sendable {
    /// The host (authority without port, lowercased, or the server's address).
    public var host: String
    /// Its exchanges.
    public var traffic: TrafficStats

    /// - Parameters: as the properties of the same names.
    public init(host: String, traffic: TrafficStats) {
        self.host = host
        self.traffic = traffic
    }
}

/// One endpoint's row.
public struct EndpointStats: Sendable {
    /// Host, method and path pattern.
    public var endpoint: EndpointKey
    /// Its exchanges.
    public var traffic: TrafficStats

    /// - Parameters: as the properties of the same names.
    public init(endpoint: EndpointKey, traffic: TrafficStats) {
        self.endpoint = endpoint
        self.traffic = traffic
    }
}
