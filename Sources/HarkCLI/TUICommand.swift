import ArgumentParser
import Glibc
import HarkCapture
import HarkSession
import HarkStore
import HarkTUI
import HarkText

extension Hark {
    /// `hark tui`: a terminal network tab for a capture.
    struct TUI: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tui",
            abstract: "Browse the capture's HTTP exchanges in the terminal: list, headers, bodies, timing, filter, export.",
            discussion: """
                A file opens at once and fills in while it is read; standard input (tcpdump -U -w - | hark tui -) \
                shows exchanges as they complete (keys are read from the terminal, /dev/tty). Press ? for every key. \
                At most --max-exchanges are kept (the oldest are evicted and counted); headers and bodies are read \
                back from a journal in $TMPDIR when shown. With -- CMD (as root), the command's own output and \
                errors go to a file (--command-output, else $TMPDIR/hark-command-PID.log), named on the title line and \
                again on exit; its input is /dev/null.

                Examples:
                  hark tui capture.pcap
                  hark tui --filter 'status>=400' capture.pcap
                  sudo hark tui -- curl -s http://example.com/
                """
        )

        @OptionGroup var input: InputOptions

        @OptionGroup var filter: FilterOptions

        @Option(help: "Keep at most this many exchanges; the oldest are evicted (and counted on the status line).")
        var maxExchanges: Int = 1_000_000

        @Option(help: "Colour: auto (unless NO_COLOR is set), always, never.")
        var color: ColorChoice = .auto

        @Option(help: ArgumentHelp("With -- CMD: the file the command's output and errors go to.", valueName: "file"))
        var commandOutput: String?

        func validate() throws {
            guard maxExchanges > 0 else { throw ValidationError("--max-exchanges must be at least 1") }
            if commandOutput != nil, !isLaunchingCommand {
                throw ValidationError("--command-output applies to -- CMD only")
            }
        }

        private var isLaunchingCommand: Bool {
            if case .command = input.source { return true }
            return false
        }

        /// Where a launched command's output goes: the command would otherwise write over the screen.
        private var outputPath: String? {
            guard isLaunchingCommand else { return nil }
            if let commandOutput { return commandOutput }
            let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            return directory + "/hark-command-\(getpid()).log"
        }

        func run() throws {
            let outputPath = outputPath
            let source = try input.open(commandOutput: outputPath)
            var configuration = StoreConfiguration()
            configuration.limits.maxExchanges = maxExchanges
            let store = LiveStore(configuration: configuration)
            let session = input.sessionConfiguration
            let usesColor = color.usesColor(isTerminal: true, noColor: getenv("NO_COLOR").map { String(cString: $0) })
            let app = TUIApp(
                store: store,
                options: TUIApp.Options(
                    sourceName: input.source.displayName, filter: filter.expression ?? "", color: usesColor,
                    commandOutputPath: outputPath
                )
            )
            let capture = UncheckedSource(source: source)
            let signal: Int32?
            do {
                signal = try app.run {
                    var observer = StoreObserver(store: store)
                    _ = capture.source.run(session, observer: &observer)
                    store.finish()
                }
            } catch {
                throw RunError("\(error)")
            }
            if let outputPath {
                let line = "hark: the command's output is in \(outputPath)\n"
                _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
            }
            // Out through the normal way either way: what --pid and -- CMD set up is removed at exit.
            if let signal { throw ExitCode(128 + signal) }
            try source.exitWithSourceStatus()
        }
    }
}

/// Hands the opened source to the session's thread, which is its only user from then on.
private struct UncheckedSource: @unchecked Sendable {
    let source: OpenedSource
}
