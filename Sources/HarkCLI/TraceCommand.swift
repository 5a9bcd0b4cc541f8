public import ArgumentParser
import Glibc
import HarkCore
import HarkFormat
import HarkSession
import HarkText

extension Hark {
    /// `hark trace`: one readable line per exchange as it completes.
    struct Trace: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one line per HTTP exchange as it completes: time, client → server, status, latency, sizes, method and URL.",
            discussion: """
                Times are UTC. With --tcp, TCP events are interleaved with the exchanges (connection setup \
                with its round-trip time, SYN retries, retransmissions, zero windows, gaps, resets, teardown); \
                repeated events are counted into one line. Follows a live capture line by line: \
                hark trace -i eth0 -f 'tcp port 80', or tcpdump -U -w - | hark trace -
                """
        )

        @OptionGroup var input: InputOptions

        @OptionGroup var filter: FilterOptions

        @Flag(help: "Print request and response headers under each exchange.")
        var headers = false

        @Flag(help: "Print bodies: content-decoded text (JSON pretty-printed), binary summarised.")
        var bodies = false

        @Flag(help: "Interleave TCP events: setup, teardown, resets, SYN retries, retransmissions, zero windows, gaps.")
        var tcp = false

        @Option(help: "Print at most this many bytes of each body (--bodies).")
        var maxBodySize = 4096

        @Option(help: "Colour the output: auto (when writing to a terminal and NO_COLOR is not set), always, never.")
        var color: ColorChoice = .auto

        @Flag(help: "Write JSON lines, one object per event, each with a \"type\" field.")
        var json = false

        func validate() throws {
            if maxBodySize < 0 {
                throw ValidationError("--max-body-size must be 0 or more")
            }
        }

        func run() throws {
            let filter = try self.filter.exchangeFilter()
            let source = try input.open()
            let output = standardOutputLines(following: source.isLive)
            let isTerminal = (output.sink as? FileDescriptorSink)?.isTerminal ?? false
            let options = TraceOptions(
                format: json ? .jsonLines : .text,
                showHeaders: headers,
                showBodies: bodies,
                showTCP: tcp,
                useColor: color.usesColor(isTerminal: isTerminal, noColor: getenv("NO_COLOR").map { String(cString: $0) }),
                maximumBodyBytes: maxBodySize
            )
            let diagnostics = DiagnosticReporter()
            let printer = TracePrinter(output: output, options: options) { diagnostics.report($0) }
            var observer = FilteredObserver(base: printer, filter: filter, holdsTCPEvents: tcp)
            var configuration = input.sessionConfiguration
            configuration.keepsBodies = bodies  // only --bodies prints them (or their decoded sizes)
            configuration.decodesContent = bodies
            // Bodies are decoded only as far as they are printed (a compressed GiB costs what is shown).
            configuration.maxDecodedBodyBytes = options.decodedBytesUsed
            let statistics = source.run(configuration, observer: &observer)
            try finishOutput(output)
            try diagnostics.finish(statistics)
            try source.exitWithSourceStatus()
        }
    }
}

extension ColorChoice: ExpressibleByArgument {}
