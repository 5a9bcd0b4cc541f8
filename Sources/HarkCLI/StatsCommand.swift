import ArgumentParser
import HarkCapture
import HarkCore
import HarkFormat
import HarkModel
import HarkPacket
import HarkSession
import HarkStats
import HarkText

extension Hark {
    /// `hark stats`: per-host and per-endpoint counts, latency percentiles and bytes; TCP problems.
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Summarise a capture: per host and endpoint, status classes, latency p50/p90/p99/max and bytes; TCP problems.",
            discussion: """
                Endpoints are method + host + path pattern: the query is dropped and path segments that are \
                numbers, UUIDs or hex ids become {id}. Latency runs from the request's first byte to the \
                response's last; percentiles come from an HdrHistogram (3 significant digits).

                Examples:
                  hark stats capture.pcap
                  hark stats --top 5 --filter 'method=POST' capture.pcap
                  hark stats --json capture.pcap
                  tcpdump -i eth0 -U -w - port 80 | hark stats -   (Ctrl-C: summary)
                """
        )

        @OptionGroup var input: InputOptions

        @OptionGroup var filter: FilterOptions

        @Option(help: "List at most this many endpoints and connections (0: all); --json lists all.")
        var top = 20

        @Flag(help: "Write one JSON document instead of text.")
        var json = false

        func validate() throws {
            if top < 0 {
                throw ValidationError("--top must be 0 or more")
            }
        }

        func run() throws {
            let filter = try self.filter.exchangeFilter()
            let source = try input.open()
            let diagnostics = DiagnosticReporter()
            var observer = FilteredObserver(base: StatsObserver(diagnostics: diagnostics), filter: filter)
            var configuration = input.sessionConfiguration
            configuration.keepsBodies = false  // statistics count body bytes, never read them
            configuration.decodesContent = false
            let statistics = source.run(configuration, observer: &observer)
            var report = observer.base.collector.report
            report.packets = PacketCounts(statistics)
            report.requestsGivenUp = statistics.waitingRequestsGivenUp
            let output = standardOutputLines(following: false)
            if json {
                var writer = JSONWriter(pretty: true)
                StatsJSON.write(report, to: &writer)
                output.writeLine(writer.buffer.text)
            } else {
                for line in StatsText.lines(report, top: top) {
                    output.writeLine(line)
                }
            }
            try finishOutput(output)
            try diagnostics.finish(statistics)
            try source.exitWithSourceStatus()
        }
    }
}

extension PacketCounts {
    /// The session's packet counts: what was read, left out by kind, malformed, and dropped.
    init(_ statistics: SessionStatistics) {
        let kinds = statistics.otherTraffic.map { traffic, count in
            if case .unsupportedLinkType(let linkType) = traffic {
                return Kind(name: "link type \(linkType.rawValue)", count: count)
            }
            return Kind(name: traffic.description, count: count)
        }
        self.init(
            packets: statistics.frames,
            notAnalysed: kinds.sorted { ($0.count, $1.name) > ($1.count, $0.name) },
            malformed: statistics.malformedFrames,
            droppedByKernel: statistics.liveCounts?.droppedByKernel,
            droppedByInterface: statistics.liveCounts?.droppedByInterface
        )
    }
}

/// Feeds exchanges and finished connections to a `StatsCollector`.
struct StatsObserver: SessionObserver {
    let diagnostics: DiagnosticReporter
    private(set) var collector = StatsCollector()

    init(diagnostics: DiagnosticReporter) {
        self.diagnostics = diagnostics
    }

    mutating func exchange(_ exchange: Exchange) {
        collector.add(exchange)
    }

    mutating func message(_ message: ConnectionMessage) {
        collector.add(message)
    }

    mutating func connectionClosed(_ connection: ConnectionRecord) {
        collector.add(connection: connection.summary, applicationProtocol: connection.applicationProtocol, tls: connection.tls)
    }

    mutating func diagnostic(_ diagnostic: Diagnostic) {
        diagnostics.report(diagnostic)
    }
}
