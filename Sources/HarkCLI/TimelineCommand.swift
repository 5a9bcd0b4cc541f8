import ArgumentParser
import HarkFormat
import HarkSession
import HarkStore
import HarkWeb

extension Hark {
    /// `hark timeline`: the browser timeline as one self-contained HTML file.
    struct Timeline: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the browser timeline (connections, packets, exchanges) as one self-contained HTML file.",
            discussion: """
                The file holds its data, script and style and opens offline in any browser: attach it to a \
                bug report. Headers are included; bodies only with --bodies. Past --max-packets, packets are \
                drawn aggregated (their density and trouble stay visible).

                Examples:
                  hark timeline capture.pcap -o report.html
                  hark timeline --bodies --max-body-size 4kB capture.pcap -o r.html
                """
        )

        @OptionGroup var input: InputOptions

        @Option(name: .shortAndLong, help: "Write the HTML here instead of standard output.")
        var output: String?

        @Flag(help: "Include body previews (up to --max-body-size bytes each).")
        var bodies = false

        @Option(help: "Bytes of each body previewed with --bodies: 16384, 10kB, 1MiB.")
        var maxBodySize = ByteCountArgument(bytes: 16 << 10)

        @Option(help: "Packets drawn one by one; the rest are aggregated.")
        var maxPackets = 50_000

        func validate() throws {
            if maxPackets < 0 { throw ValidationError("--max-packets must be 0 or more") }
        }

        func run() throws {
            let destination = try openOutput(output)  // before the run: fail fast on an unwritable path
            var options = TimelineOptions()
            options.includesDetails = true
            options.includesBodies = bodies
            options.maxBodyPreview = maxBodySize.bytes
            options.maxPackets = maxPackets
            // Bodies are kept in the store even when the report leaves them out: gRPC messages are found
            // in them (and marked on their calls).
            let run = TimelineRun(input: input, keepsBodies: true, decodesContent: bodies)
            let statistics = try run.analyse()
            let timeline = StoreTimeline(store: run.store, source: input.source.displayName, live: false, options: options)
            let page = TimelinePage.html(mode: .report(json: timeline.timeline()), nonce: WebAccess.randomToken())
            do {
                try page.withUnsafeBytes { try destination.write($0) }
            } catch {
                throw RunError("cannot write \(output ?? "standard output"): \(error)")
            }
            try run.diagnostics.finish(statistics)
        }
    }
}

/// A capture analysed into the store the timeline reads, with packets kept for drawing.
struct TimelineRun {
    let store: LiveStore
    let diagnostics = DiagnosticReporter()
    private let input: InputOptions
    private let configuration: SessionConfiguration

    init(input: InputOptions, keepsBodies: Bool, decodesContent: Bool) {
        var storeConfiguration = StoreConfiguration()
        storeConfiguration.keepsPackets = true
        store = LiveStore(configuration: storeConfiguration)
        self.input = input
        var configuration = input.sessionConfiguration
        configuration.keepsBodies = keepsBodies
        configuration.decodesContent = decodesContent
        self.configuration = configuration
    }

    /// Opens the capture and runs all of it into the store (until standard input ends), reporting
    /// diagnostics as they come; the store is finished afterwards, also when the capture cannot be
    /// opened. Opening standard input waits for its first bytes, so a server starts before this.
    func analyse() throws -> SessionStatistics {
        defer { store.finish() }
        let source = try input.open()
        var observer = ReportingStoreObserver(base: StoreObserver(store: store), diagnostics: diagnostics)
        return source.run(configuration, observer: &observer)
    }
}
