public import ArgumentParser
import HarkOTLP
import NIOCore

/// `--otlp URL` and its companions: every command can also send what it sees to an OpenTelemetry
/// Collector (spans per exchange, RED and TCP metrics) over OTLP/HTTP. Checked in `validate()`, so a
/// bad URL or header is reported before any capture is opened.
struct OTLPOptions: ParsableArguments {
    @Option(
        name: .customLong("otlp"),
        help: ArgumentHelp(
            "Also send exchanges as OpenTelemetry spans, and RED/TCP metrics, to this Collector over OTLP/HTTP (http://127.0.0.1:4318; /v1/traces and /v1/metrics are appended).",
            valueName: "url"
        )
    )
    var url: String?

    @Option(name: .customLong("otlp-header"), help: ArgumentHelp("A header for every OTLP request, such as an auth token (repeatable).", valueName: "name=value"))
    var headers: [String] = []

    @Option(name: .customLong("service-name"), help: "The service.name of the spans and metrics the host map does not name.")
    var serviceName = "hark"

    @Option(
        name: .customLong("otlp-service"),
        help: ArgumentHelp("Name the service of a server: its host name or address, = and a service.name (repeatable).", valueName: "host=service")
    )
    var hostServices: [String] = []

    @Option(
        name: .customLong("otlp-span-kind"),
        help: "Span kind: auto (SERVER when the server address is this machine's and the client's is not, else CLIENT), client, server."
    )
    var spanKind: SpanKindChoice = .auto

    @Option(name: .customLong("otlp-rpc-conventions"), help: "gRPC attribute names: current (rpc.system.name, rpc.response.status_code) or legacy (rpc.system, rpc.grpc.status_code).")
    var rpcConventions: RPCConventions = .current

    @Option(name: .customLong("otlp-queue-size"), help: "Spans held while the Collector is slow or unreachable; past this the oldest are dropped and counted.")
    var queueSize = 65_536

    @Option(name: .customLong("otlp-flush-timeout"), help: "Seconds the end of the run waits for queued telemetry to be sent.")
    var flushTimeout = 5.0

    enum SpanKindChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, client, server
    }

    func validate() throws {
        guard let url else {
            if !headers.isEmpty || !hostServices.isEmpty { throw ValidationError("--otlp-header and --otlp-service need --otlp URL") }
            return
        }
        do {
            _ = try OTLPEndpoint(url)
        } catch {
            throw ValidationError("--otlp \(error)")
        }
        _ = try pairs(headers, option: "--otlp-header")
        _ = try pairs(hostServices, option: "--otlp-service")
        if queueSize < 1 { throw ValidationError("--otlp-queue-size must be at least 1") }
        if !(flushTimeout >= 0 && flushTimeout <= 600) { throw ValidationError("--otlp-flush-timeout must be between 0 and 600 seconds") }
    }

    /// The telemetry these options ask for; nil without `--otlp`. Starts the exporter's thread.
    func telemetry() throws -> OTLPTelemetry? {
        guard let url else { return nil }
        var settings = OTLPExportSettings(
            endpoint: try OTLPEndpoint(url), headers: try pairs(headers, option: "--otlp-header"), scopeVersion: Hark.configuration.version
        )
        settings.queueCapacity = queueSize
        settings.flushTimeout = .nanoseconds(Int64(flushTimeout * 1e9))
        var options = OTLPTelemetry.Options()
        options.serviceName = serviceName
        options.hostServices = Dictionary(try pairs(hostServices, option: "--otlp-service").map { ($0.0.lowercased(), $0.1) }) { $1 }
        options.rpcConventions = rpcConventions
        options.scopeVersion = Hark.configuration.version
        switch spanKind {
        case .auto: options.kindRule = .auto(localAddresses: SpanKindRule.machineAddresses())
        case .client: options.kindRule = .client
        case .server: options.kindRule = .server
        }
        return OTLPTelemetry(options: options, settings: settings)
    }

    /// `name=value` arguments split at the first `=`; both sides must be non-empty.
    private func pairs(_ arguments: [String], option: String) throws -> [(String, String)] {
        try arguments.map { argument in
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex, argument.index(after: equals) != argument.endIndex else {
                throw ValidationError("\(option) \(argument): expected name=value")
            }
            return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
        }
    }
}

extension RPCConventions: ExpressibleByArgument {}
