public import ArgumentParser
import Glibc
import HarkCore
import HarkFormat
import HarkSession
import HarkText

extension Hark {
    /// `hark trace`: one readable line per exchange, in time order.
    struct Trace: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one line per HTTP exchange, in time order: time, client → server, status, latency, sizes, method and URL.",
            discussion: """
                Times are UTC. With --tcp, TCP events are interleaved with the exchanges (connection setup \
                with its round-trip time, SYN retries, retransmissions, zero windows, gaps, resets, teardown); \
                repeated events are counted into one line.

                Lines are in order of the time they show (an exchange's is its request's first byte, a TCP \
                event's its packet's, a connection summary's its last packet's). A file's lines are held and \
                sorted before they are written (up to 32 MiB of lines; past that the earliest go first). Every \
                other source's lines are held until its clock has moved 2 s past them: a live capture's (-i, \
                --pid, -- CMD) clock is the wall clock; standard input's and --follow's is their latest \
                packet's time, running on with the wall clock while no byte comes (checked every 0.25 s), so \
                the last lines of a quiet pipe still come out about 2 s after their time. A line written \
                later than that (a slow exchange, the summary of a connection retired late) comes out when \
                it is written, after later lines.

                Examples:
                  hark trace capture.pcap
                  hark trace --tcp --filter 'conn=1' capture.pcap
                  hark trace --headers --bodies --max-body-size 1kB capture.pcap
                  hark trace --json --filter 'latency>100ms' capture.pcap
                  hark trace -i eth0 -f 'tcp port 80'     (live: root or CAP_NET_RAW)
                  tcpdump -i eth0 -U -w - port 80 | hark trace -
                  hark help filter                        (the --filter language)
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

        @Option(help: "Print at most this many bytes of each body (--bodies): 4096, 10kB, 1MiB.")
        var maxBodySize = ByteCountArgument(bytes: 4096)

        @Option(help: "Colour the output: auto (when writing to a terminal and NO_COLOR is not set), always, never.")
        var color: ColorChoice = .auto

        @Flag(help: "Write JSON lines, one object per event, each with a \"type\" field.")
        var json = false

        func run() throws {
            let filter = try self.filter.exchangeFilter()
            let source = try input.open()
            let output = standardOutputLines(following: source.isLive, batched: input.source.isCapture)
            let isTerminal = (output.sink as? FileDescriptorSink)?.isTerminal ?? false
            let options = TraceOptions(
                format: json ? .jsonLines : .text,
                showHeaders: headers,
                showBodies: bodies,
                showTCP: tcp,
                useColor: color.usesColor(isTerminal: isTerminal, noColor: getenv("NO_COLOR").map { String(cString: $0) }),
                maximumBodyBytes: maxBodySize.bytes,
                lineOrder: lineOrder(live: source.isLive)
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

extension Hark.Trace {
    /// A file's lines sorted; any other source's within a window of its clock (a pipe's and a followed
    /// file's clock runs on while they are quiet: `CaptureInput.idleTime`).
    fileprivate func lineOrder(live: Bool) -> TraceLineOrder {
        switch input.source {
        case .interface, .processes, .command, .followedFile, .replayedFile: .live
        case .file: live ? .live : .file
        }
    }
}

extension ColorChoice: ExpressibleByArgument {}
