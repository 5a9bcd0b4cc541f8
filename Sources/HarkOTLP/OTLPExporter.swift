import NIOCore
import NIOConcurrencyHelpers
import NIOPosix

/// Sends spans and metrics to a Collector over OTLP/HTTP (protobuf, gzip) without ever making the
/// analysis wait.
///
/// The analysis thread only appends encoded spans to a bounded queue (`enqueue`), dropping the oldest
/// when it is full; one event-loop thread of its own takes batches, sends them one request at a time,
/// and retries what the OTLP specification calls retryable (429, 502, 503, 504, and failures to
/// connect) with exponential backoff and jitter, honouring `Retry-After`. `finish()` waits at most the
/// flush timeout for what is queued.
public final class OTLPExporter: @unchecked Sendable {
    /// A request body and what it carries, for counting.
    private enum Payload {
        case spans(count: Int)
        case metrics
    }

    private let settings: OTLPExportSettings
    private let group: MultiThreadedEventLoopGroup
    private let client: OTLPHTTPClient
    private let report: @Sendable (String) -> Void

    /// Guarded by `lock`: the queue (a ring of encoded spans with their resource), resources by index,
    /// the latest metrics snapshot, and the counts.
    private let lock = NIOLock()
    private var queue: [(resource: Int, span: [UInt8])?]
    private var queueStart = 0
    private var queueCount = 0
    private var resources: [OTLPResource] = []
    private var resourceIndex: [String: Int] = [:]
    private var pendingMetrics: [UInt8]?
    private var counts = OTLPExportCounts()

    /// Event-loop state.
    private var inFlight: Payload?
    private var finishing = false
    /// Set when the flush timeout passed: answers that come later are ignored.
    private var abandoned = false
    private var drained: EventLoopPromise<Void>?
    private var unreachable = false
    private var flushTask: RepeatedTask?

    /// Starts the sending thread.
    ///
    /// - Parameter report: called (on the sending thread) with a one-line message when the Collector
    ///   becomes unreachable or answers with an error, and when it is reachable again.
    public init(settings: OTLPExportSettings, report: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.report = report
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        client = OTLPHTTPClient(eventLoop: loop, endpoint: settings.endpoint, headers: settings.headers, requestTimeout: settings.requestTimeout)
        queue = Array(repeating: nil, count: max(1, settings.queueCapacity))
        flushTask = loop.scheduleRepeatedTask(initialDelay: settings.batchDelay, delay: settings.batchDelay) { [self] _ in
            pump(partial: true)
        }
    }

    /// The resource for spans of `serviceName`, registered on first use.
    public func resource(forService serviceName: String) -> Int {
        lock.withLock {
            if let index = resourceIndex[serviceName] { return index }
            resources.append(OTLPResource(serviceName: serviceName))
            resourceIndex[serviceName] = resources.count - 1
            return resources.count - 1
        }
    }

    /// Queues one encoded span of resource `resource` (from `resource(forService:)`); never waits.
    public func enqueue(_ span: [UInt8], resource: Int) {
        let full = lock.withLock {
            if queueCount == queue.count {
                queue[queueStart] = nil
                queueStart = (queueStart + 1) % queue.count
                queueCount -= 1
                counts.spansDropped += 1
            }
            queue[(queueStart + queueCount) % queue.count] = (resource, span)
            queueCount += 1
            return queueCount % min(settings.batchSize, queue.count) == 0
        }
        if full { client.eventLoop.execute { self.pump(partial: false) } }
    }

    /// Replaces the metrics waiting to be sent with a newer cumulative snapshot (an encoded
    /// `ExportMetricsServiceRequest`).
    public func exportMetrics(_ request: [UInt8]) {
        lock.withLock { pendingMetrics = request }
        client.eventLoop.execute { self.pump(partial: true) }
    }

    /// The counts so far.
    public var exportCounts: OTLPExportCounts { lock.withLock { counts } }

    /// Sends what is queued, waiting at most the flush timeout, then stops the sending thread; what
    /// could not be sent by then counts as failed. Returns the final counts.
    public func finish() -> OTLPExportCounts {
        let loop = client.eventLoop
        let done = loop.flatSubmit { () -> EventLoopFuture<Void> in
            self.finishing = true
            let promise = loop.makePromise(of: Void.self)
            self.drained = promise
            loop.scheduleTask(in: self.settings.flushTimeout) { self.abandon() }
            self.pump(partial: true)
            return promise.futureResult
        }
        try? done.wait()
        try? loop.submit {
            self.flushTask?.cancel()
            self.client.close()
        }.wait()
        try? group.syncShutdownGracefully()
        return exportCounts
    }

    // MARK: - The sending thread

    /// Sends the next request if none is in flight: the metrics snapshot first, then a batch of spans
    /// (a partial one only when `partial` or finishing). Completes `drained` once nothing is left.
    private func pump(partial: Bool) {
        guard inFlight == nil, !abandoned else { return }
        if let metrics = lock.withLock({ () -> [UInt8]? in
            defer { pendingMetrics = nil }
            return pendingMetrics
        }) {
            return send(metrics, path: "/v1/metrics", payload: .metrics, attempt: 1)
        }
        let batch = takeBatch(partial: partial || finishing)
        guard !batch.isEmpty else {
            if finishing, lock.withLock({ queueCount == 0 }) { drained?.succeed(()) }
            return
        }
        let groups = Dictionary(grouping: batch, by: \.resource).sorted { $0.key < $1.key }
        let resources = lock.withLock { self.resources }
        let body = OTLPTraceRequest.encode(
            groups.map { (resource: resources.indices.contains($0.key) ? resources[$0.key] : OTLPResource(serviceName: "hark"), spans: $0.value.map(\.span)) },
            scopeVersion: settings.scopeVersion
        )
        send(body, path: "/v1/traces", payload: .spans(count: batch.count), attempt: 1)
    }

    /// Up to `batchSize` spans from the queue; none when fewer wait and `partial` is false.
    private func takeBatch(partial: Bool) -> [(resource: Int, span: [UInt8])] {
        lock.withLock {
            guard queueCount >= settings.batchSize || (partial && queueCount > 0) else { return [] }
            let taken = min(queueCount, settings.batchSize)
            var batch: [(resource: Int, span: [UInt8])] = []
            batch.reserveCapacity(taken)
            for _ in 0..<taken {
                if let item = queue[queueStart] { batch.append(item) }
                queue[queueStart] = nil
                queueStart = (queueStart + 1) % queue.count
            }
            queueCount -= taken
            return batch
        }
    }

    private func send(_ body: [UInt8], path: String, payload: Payload, attempt: Int) {
        inFlight = payload
        guard let compressed = Gzip.compress(body) else { return settle(payload, sent: false) }
        client.post(path: path, gzippedBody: compressed).whenComplete { result in
            guard !self.abandoned else { return }
            switch result {
            case .success(let response) where (200..<300).contains(response.status):
                if self.unreachable {
                    self.unreachable = false
                    self.report("otlp: the Collector at \(self.settings.endpoint) is reachable again")
                }
                self.settle(payload, sent: true)
            case .success(let response) where [429, 502, 503, 504].contains(response.status):
                let delay = response.retryAfterSeconds.map { TimeAmount.seconds(Int64(min($0, 300))) }
                self.retry(body, path: path, payload: payload, attempt: attempt, after: delay, problem: "answered \(response.status)")
            case .success(let response):
                self.report("otlp: the Collector at \(self.settings.endpoint) refused \(path) with status \(response.status)")
                self.settle(payload, sent: false)
            case .failure(let error):
                self.client.close()
                if !self.unreachable {
                    self.unreachable = true
                    self.report("otlp: cannot reach the Collector at \(self.settings.endpoint) (\(Self.describe(error))); retrying, dropping the oldest spans when the queue is full")
                }
                self.retry(body, path: path, payload: payload, attempt: attempt, after: nil, problem: "\(error)")
            }
        }
    }

    /// Tries again after `after` (the Collector's `Retry-After`) or the backoff for `attempt`, unless
    /// the attempts are used up or the flush is over.
    private func retry(_ body: [UInt8], path: String, payload: Payload, attempt: Int, after: TimeAmount?, problem: String) {
        guard attempt < settings.maximumAttempts else {
            return settle(payload, sent: false)
        }
        let exponential = settings.initialBackoff.nanoseconds << Int64(min(attempt - 1, 20))
        let capped = min(exponential, settings.maximumBackoff.nanoseconds)
        let jittered = TimeAmount.nanoseconds(capped / 2 + Int64.random(in: 0...max(0, capped / 2)))
        client.eventLoop.scheduleTask(in: after ?? jittered) {
            guard !self.abandoned else { return }
            self.send(body, path: path, payload: payload, attempt: attempt + 1)
        }
    }

    private func settle(_ payload: Payload, sent: Bool) {
        count(payload, sent: sent)
        inFlight = nil
        pump(partial: finishing)
    }

    private func count(_ payload: Payload, sent: Bool) {
        lock.withLock {
            switch (payload, sent) {
            case (.spans(let count), true): counts.spansSent += count
            case (.spans(let count), false): counts.spansFailed += count
            case (.metrics, true): counts.metricRequestsSent += 1
            case (.metrics, false): counts.metricRequestsFailed += 1
            }
        }
    }

    /// A connection failure in a few words: NIO's error for a failed connect lists every address tried.
    private static func describe(_ error: any Error) -> String {
        guard let failure = error as? NIOConnectionError, let first = failure.connectionErrors.first else { return "\(error)" }
        return "\(first.error)"
    }

    /// The flush timeout passed: what is still queued or in flight is given up.
    private func abandon() {
        guard let drained else { return }
        lock.withLock {
            counts.spansFailed += queueCount
            if pendingMetrics != nil { counts.metricRequestsFailed += 1 }
            for index in queue.indices { queue[index] = nil }
            queueCount = 0
            pendingMetrics = nil
        }
        if let payload = inFlight {
            count(payload, sent: false)
            report("otlp: the flush timeout passed with a request to \(settings.endpoint) unanswered")
        }
        inFlight = nil
        abandoned = true
        self.drained = nil
        drained.succeed(())
    }
}
