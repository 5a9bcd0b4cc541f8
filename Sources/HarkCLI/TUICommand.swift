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
                back from a journal in $TMPDIR when shown.
                """
        )

        @OptionGroup var input: InputOptions

        @OptionGroup var filter: FilterOptions

        @Option(help: "Keep at most this many exchanges; the oldest are evicted (and counted on the status line).")
        var maxExchanges: Int = 1_000_000

        @Option(help: "Colour: auto (unless NO_COLOR is set), always, never.")
        var color: ColorChoice = .auto

        func validate() throws {
            guard maxExchanges > 0 else { throw ValidationError("--max-exchanges must be at least 1") }
            if case .command = input.source {
                // The command would write over the screen; giving its output a file or pane is not built yet.
                throw ValidationError("hark tui does not launch commands yet: run it with --pid, or use hark trace -- CMD")
            }
        }

        func run() throws {
            let source = try input.open()
            var configuration = StoreConfiguration()
            configuration.limits.maxExchanges = maxExchanges
            let store = LiveStore(configuration: configuration)
            let session = input.sessionConfiguration
            let usesColor = color.usesColor(isTerminal: true, noColor: getenv("NO_COLOR").map { String(cString: $0) })
            let app = TUIApp(
                store: store,
                options: TUIApp.Options(sourceName: input.source.displayName, filter: filter.expression ?? "", color: usesColor)
            )
            let capture = UncheckedSource(source: source)
            do {
                try app.run {
                    var observer = StoreObserver(store: store)
                    _ = capture.source.run(session, observer: &observer)
                    store.finish()
                }
            } catch {
                throw RunError("\(error)")
            }
        }
    }
}

/// Hands the opened source to the session's thread, which is its only user from then on.
private struct UncheckedSource: @unchecked Sendable {
    let source: OpenedSource
}
