public import HarkModel
import HarkCore
import Glibc
import NIOConcurrencyHelpers

/// What `--otlp` makes of a run: a span per exchange, RED and TCP metrics, handed to an
/// `OTLPExporter`. Used from the analysis thread only (through `OTLPObserver`).
public final class OTLPTelemetry {
    /// Span and resource choices.
    public struct Options: Sendable {
        /// `service.name` of every resource the host map does not name.
        public var serviceName = "hark"
        /// Host (request authority without port, or server address) → `service.name`.
        public var hostServices: [String: String] = [:]
        /// Which side each span describes.
        public var kindRule = SpanKindRule.client
        /// Attribute names for gRPC.
        public var rpcConventions = RPCConventions.current
        /// Wall-clock seconds between metric snapshots while the run lasts (one more is sent at the end).
        public var metricsInterval: Double = 10
        /// hark's version, for the instrumentation scope.
        public var scopeVersion = ""

        public init() {}
    }

    /// TCP facts and the first span of an open connection.
    private struct ConnectionState {
        var retransmissions = 0
        var gaps = 0
        var firstSpan: OTLPSpan.Link?
    }

    private let options: Options
    private let exporter: OTLPExporter
    private let messages: NIOLockedValueBox<[String]>
    private var connections: [Int: ConnectionState] = [:]
    /// The last `recentSpanCapacity` spans' ids by exchange id, for the hop links (`Exchange.upstream` and
    /// `downstream`): a FastCGI exchange and the HTTP exchange it served are reported one after the
    /// other, so the second one's span links to the first one's.
    private var recentSpans: [Int: OTLPSpan.Link] = [:]
    private var recentSpanOrder: [Int] = []
    private var recentSpanNext = 0
    private static let recentSpanCapacity = 256
    private var metrics = TrafficMetrics()
    private var lastMetricsExport = TelemetryClock.seconds()

    /// Starts an exporter with `settings`; its messages (Collector unreachable, refused, reachable
    /// again) wait in `takeMessages()`.
    public init(options: Options, settings: OTLPExportSettings) {
        self.options = options
        let messages = NIOLockedValueBox<[String]>([])
        self.messages = messages
        exporter = OTLPExporter(settings: settings) { message in
            messages.withLockedValue { if $0.count < 100 { $0.append(message) } }
        }
    }

    /// The exporter's messages since the last call, oldest first.
    public func takeMessages() -> [String] {
        messages.withLockedValue { taken in
            defer { taken.removeAll() }
            return taken
        }
    }

    /// The service an exchange or connection to `host` belongs to.
    private func service(_ host: String) -> String {
        options.hostServices[host.lowercased()] ?? options.hostServices[host] ?? options.serviceName
    }

    /// Makes and queues the span of one exchange, and counts it. Undecrypted TLS and QUIC connections
    /// (protocols `tls`, `quic`) are no HTTP exchanges and make none, as in `hark stats`.
    public func add(_ exchange: Exchange) {
        guard !exchange.isUndecryptedStandIn else { return }
        let connection = exchange.connection
        let builder = ExchangeSpan(exchange, kind: options.kindRule.kind(client: connection.client.address, server: connection.server.address))
        var state = connections[connection.id] ?? ConnectionState()
        let facts = ExchangeSpan.TCPFacts(retransmissions: state.retransmissions, gaps: state.gaps)
        state.retransmissions = 0
        state.gaps = 0
        // Later streams of an HTTP/2 connection point at its first one: same connection, often one page.
        var links = exchange.streamID != nil ? state.firstSpan.map { [$0] } ?? [] : []
        if let hop = hopLink(of: exchange) { links.append(hop) }
        let span = builder.span(facts: facts, links: links, rpc: options.rpcConventions)
        remember(span, of: exchange)
        if state.firstSpan == nil, exchange.streamID != nil {
            state.firstSpan = OTLPSpan.Link(traceID: span.traceID, spanID: span.spanID, attributes: [.string("hark.link", "same_connection")])
        }
        connections[connection.id] = state
        let service = service(exchange.request.host(server: connection.server))
        exporter.enqueue(span.encoded, resource: exporter.resource(forService: service))
        metrics.add(builder, service: service, isError: builder.isError)
        exportMetricsIfDue()
    }

    /// A link to the span of the exchange's other hop, when that one was reported already: the FastCGI
    /// request a web server made for this HTTP exchange (`hark.link` = `upstream`), or the HTTP exchange
    /// this FastCGI request served (`downstream`).
    private func hopLink(of exchange: Exchange) -> OTLPSpan.Link? {
        if let upstream = exchange.upstream, var link = recentSpans[upstream.exchangeID] {
            link.attributes = [.string("hark.link", "upstream")]
            return link
        }
        if let downstream = exchange.downstream, var link = recentSpans[downstream.exchangeID] {
            link.attributes = [.string("hark.link", "downstream")]
            return link
        }
        return nil
    }

    /// Keeps the span's ids for a hop link from an exchange reported after it (the oldest go first).
    private func remember(_ span: OTLPSpan, of exchange: Exchange) {
        if recentSpanOrder.count < Self.recentSpanCapacity {
            recentSpanOrder.append(exchange.id)
        } else {
            recentSpans[recentSpanOrder[recentSpanNext]] = nil
            recentSpanOrder[recentSpanNext] = exchange.id
            recentSpanNext = (recentSpanNext + 1) % Self.recentSpanCapacity
        }
        recentSpans[exchange.id] = OTLPSpan.Link(traceID: span.traceID, spanID: span.spanID)
    }

    /// Counts retransmissions and gaps toward the connection's next exchange.
    public func add(_ event: TCPEvent) {
        switch event.kind {
        case .retransmission: connections[event.connectionID, default: ConnectionState()].retransmissions += 1
        case .gap: connections[event.connectionID, default: ConnectionState()].gaps += 1
        default: break
        }
    }

    /// Counts a finished connection and forgets its state.
    public func add(_ connection: ConnectionRecord) {
        connections[connection.summary.info.id] = nil
        metrics.add(connection, service: service(connection.summary.info.server.address.description))
    }

    /// Sends a metrics snapshot when the interval has passed (called as the run progresses).
    public func exportMetricsIfDue() {
        let now = TelemetryClock.seconds()
        guard now - lastMetricsExport >= options.metricsInterval else { return }
        lastMetricsExport = now
        if let request = metrics.encoded(scopeVersion: options.scopeVersion) { exporter.exportMetrics(request) }
    }

    /// Sends the final metrics and waits (at most the flush timeout) for everything to go out.
    public func finish() -> OTLPExportCounts {
        if let request = metrics.encoded(scopeVersion: options.scopeVersion) { exporter.exportMetrics(request) }
        return exporter.finish()
    }
}

/// Monotonic wall-clock seconds, for pacing metric snapshots.
private enum TelemetryClock {
    static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
