public import NIOCore

/// How `OTLPExporter` sends: where, with which headers, how much it holds back, how long it tries.
public struct OTLPExportSettings: Sendable {
    /// The Collector.
    public var endpoint: OTLPEndpoint
    /// Extra request headers (`--otlp-header Authorization=…`).
    public var headers: [(String, String)]
    /// Spans waiting to be sent at most; past this the oldest are dropped and counted.
    public var queueCapacity = 65_536
    /// Spans per request at most.
    public var batchSize = 512
    /// How long a partial batch waits for more spans.
    public var batchDelay = TimeAmount.milliseconds(500)
    /// How long the end of the run waits for queued telemetry to go out.
    public var flushTimeout = TimeAmount.seconds(5)
    /// How long one request may take.
    public var requestTimeout = TimeAmount.seconds(10)
    /// Tries per request (the first included) before its telemetry is given up.
    public var maximumAttempts = 5
    /// The first retry's delay; each further retry doubles it (with jitter), up to `maximumBackoff`.
    public var initialBackoff = TimeAmount.seconds(1)
    public var maximumBackoff = TimeAmount.seconds(30)
    /// The instrumentation scope's version (hark's).
    public var scopeVersion: String

    /// Settings with the defaults above.
    public init(endpoint: OTLPEndpoint, headers: [(String, String)] = [], scopeVersion: String) {
        self.endpoint = endpoint
        self.headers = headers
        self.scopeVersion = scopeVersion
    }
}

/// What the exporter did, for the end-of-run report.
public struct OTLPExportCounts: Sendable, Equatable {
    /// Spans the Collector accepted.
    public var spansSent = 0
    /// Spans dropped because the queue was full (the Collector slow or unreachable).
    public var spansDropped = 0
    /// Spans given up: refused by the Collector, retries exhausted, or still queued at the flush timeout.
    public var spansFailed = 0
    /// Metrics requests the Collector accepted, and those given up.
    public var metricRequestsSent = 0
    public var metricRequestsFailed = 0

    public init() {}
}
