/// Bounds on what ``StatsCollector`` keeps, so memory stays bounded on any capture.
///
/// Each host or endpoint holds a latency histogram (about 45 kB for sub-second latencies, at most about
/// 95 kB), so the defaults cap the histograms at about 140 MB in the worst case and a few MB in the
/// usual one. Exchanges beyond a limit are still counted, in an overflow row.
public struct StatsLimits: Hashable, Sendable {
    /// Distinct hosts tracked (default 500); later hosts are counted under ``StatsCollector/otherHosts``.
    public var maximumHosts = 500
    /// Distinct endpoints tracked (default 1000); later ones are counted under
    /// ``StatsCollector/otherEndpoints``.
    public var maximumEndpoints = 1000
    /// Connections with TCP problems kept for the "worst connections" list (default 50).
    public var worstConnections = 50

    /// The defaults.
    public init() {}
}
