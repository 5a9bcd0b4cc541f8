import ArgumentParser
import Glibc
import HarkCore
import HarkFilter
import HarkFormat
import HarkHAR
import HarkModel
import HarkReassembly
import HarkSession

extension Hark {
    /// `hark har`: the capture's HTTP exchanges as a HAR 1.2 file.
    struct Har: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "har",
            abstract: "Write the capture's HTTP exchanges as HAR 1.2 (opens in Chrome DevTools and HAR viewers).",
            discussion: """
                Entries are sorted by start time. Timings come from the packets: connect is the TCP handshake \
                (first exchange of a connection only; inside TLS it runs to the end of the TLS handshake, which \
                is also given as ssl), send/wait/receive from the first and last bytes of the \
                request and response. Memory stays bounded: entries are spooled to a temporary file and \
                written in order at the end.

                Examples:
                  hark har capture.pcap -o capture.har
                  hark har --filter 'status>=300 or latency>1s' --pretty capture.pcap
                  hark har --redact --max-body-size 64kB capture.pcap -o share.har
                  hark har --keylog keys.log tls.pcapng -o decrypted.har
                  sudo hark har -o run.har -- curl -s https://example.com/
                """
        )

        @OptionGroup var input: InputOptions

        @OptionGroup var filter: FilterOptions

        @Option(name: .shortAndLong, help: "Write the HAR here instead of standard output.")
        var output: String?

        @Flag(help: "Leave request and response bodies out (sizes are still given).")
        var noBodies = false

        @Option(help: "Write at most this many bytes of each body: 4096, 10kB, 1MiB.")
        var maxBodySize: ByteCountArgument?

        @Flag(help: "Remove Authorization, Cookie, Set-Cookie and Proxy-Authorization, as Chrome's sanitized export does.")
        var redact = false

        @Option(help: "Also remove this header (repeatable; implies --redact).")
        var redactHeader: [String] = []

        @Flag(help: "Indent the JSON for reading.")
        var pretty = false

        @Flag(help: "Also write an entry (method UNKNOWN, status 0, _error saying why, _tls) for each TLS connection that could not be decrypted.")
        var includeUndecrypted = false

        @Flag(help: "Also write an entry (method UNKNOWN, URL from the server address) for each response whose request was not captured.")
        var includeUnpairedResponses = false

        func run() throws {
            let filter = try self.filter.exchangeFilter()
            let source = try input.open()
            let destination = try openOutput(output)  // before the run: fail fast on an unwritable path
            var redaction: HARRedaction?
            if redact || !redactHeader.isEmpty {
                redaction = HARRedaction(
                    headerNames: HARRedaction.chromeSanitized.headerNames.union(redactHeader),
                    style: .remove
                )
            }
            let configuration = HARWriter.Configuration(pretty: pretty, redaction: redaction)
            let log = HARLog(creator: HARCreator(name: "hark", version: Hark.configuration.version))
            let spool = try HARSortingSpool(log: log, configuration: configuration)
            let diagnostics = DiagnosticReporter()
            let progress = ProgressBar(path: input.progressPath)
            let collector = HAREntryCollector(
                spool: spool,
                options: HARExportOptions(includeBodies: !noBodies, maxBodySize: maxBodySize?.bytes),
                inclusion: HARInclusion(undecrypted: includeUndecrypted, unpairedResponses: includeUnpairedResponses),
                diagnostics: diagnostics,
                progressBar: progress
            )
            var observer = FilteredObserver(base: collector, filter: filter)
            var session = input.sessionConfiguration
            session.analysisThreads = input.threadsForHeavyAnalysis
            session.keepsBodies = !noBodies  // decoded sizes are still counted for content.size
            let statistics = source.run(session, observer: &observer)
            progress.finish()
            observer.base.finish()
            if let failure = observer.base.failure { throw failure }
            try spool.finish(to: destination)
            if observer.base.unpairedLeftOut > 0 {
                diagnostics.note(
                    "\(observer.base.unpairedLeftOut) response(s) whose request was not captured left out of the HAR "
                        + "(--include-unpaired-responses writes them with method UNKNOWN)"
                )
            }
            try diagnostics.finish(statistics)
            try source.exitWithSourceStatus()
        }
    }
}

/// Turns each exchange into a HAR entry and spools it; with more than one analysing thread, the entries
/// are made and serialized on those threads (`HAREntryPreparer`) and only copied into the spool here.
struct HAREntryCollector: SessionObserver {
    let spool: HARSortingSpool
    let options: HARExportOptions
    /// Which exchanges get entries (`--include-undecrypted`, `--include-unpaired-responses`).
    let inclusion: HARInclusion
    let diagnostics: DiagnosticReporter
    let progressBar: ProgressBar
    /// Entries of WebSocket upgrades, waiting for their connection's messages.
    private var webSocketEntries: HARWebSocketEntries
    /// The first spooling failure (a full disk); the run reports it at the end.
    private(set) var failure: (any Error)?
    /// Responses whose request was not captured, left out (the run says how many).
    private(set) var unpairedLeftOut = 0

    init(
        spool: HARSortingSpool,
        options: HARExportOptions,
        inclusion: HARInclusion = HARInclusion(),
        diagnostics: DiagnosticReporter,
        progressBar: ProgressBar
    ) {
        self.spool = spool
        self.options = options
        self.inclusion = inclusion
        self.progressBar = progressBar
        self.diagnostics = diagnostics
        self.webSocketEntries = HARWebSocketEntries(options: options)
    }

    var exchangePreparer: (any ExchangePreparer)? {
        HAREntryPreparer(options: options, inclusion: inclusion, configuration: spool.configuration)
    }

    mutating func exchange(_ exchange: Exchange) {
        self.exchange(exchange, prepared: nil)
    }

    mutating func exchange(_ exchange: Exchange, prepared: (any Sendable)?) {
        guard failure == nil else { return }
        if let exclusion = inclusion.exclusion(of: exchange) {
            if exclusion == .unpairedResponse { unpairedLeftOut += 1 }
            return
        }
        if let serialized = prepared as? HARSerializedEntry {
            do {
                try spool.add(serialized)
            } catch {
                failure = error
            }
            return
        }
        let entry = HAREntry(exchange: exchange, options: options)
        if HARWebSocketEntries.waitsForMessages(exchange) {
            webSocketEntries.hold(entry, of: exchange)
        } else {
            add(entry)
        }
    }

    mutating func message(_ message: ConnectionMessage) {
        webSocketEntries.add(message)
    }

    mutating func connectionClosed(_ connection: ConnectionRecord) {
        for entry in webSocketEntries.release(connection: connection.summary.info.id) { add(entry) }
    }

    /// Writes the entries still waiting for messages (the session closes every connection at its end,
    /// so there are none unless a connection was never closed).
    mutating func finish() {
        for entry in webSocketEntries.releaseAll() { add(entry) }
    }

    private mutating func add(_ entry: HAREntry) {
        guard failure == nil else { return }
        do {
            try spool.add(entry)
        } catch {
            failure = error
        }
    }

    mutating func diagnostic(_ diagnostic: Diagnostic) {
        diagnostics.report(diagnostic)
    }

    mutating func progress(bytesRead: Int64) {
        progressBar.update(bytesRead: bytesRead)
    }
}

/// Standard output, or a file created (or truncated) at `path`.
func openOutput(_ path: String?) throws -> FileDescriptorSink {
    guard let path, path != "-" else { return FileDescriptorSink.standardOutput() }
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
        throw RunError("cannot write \(path): \(String(cString: strerror(errno)))")
    }
    return FileDescriptorSink(fileDescriptor: descriptor)
}
