import ArgumentParser
import CMalloc
import Glibc

/// The `hark` command: HTTP conversations straight from packet captures.
@main
struct Hark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hark",
        abstract: "Show what programs say to each other over HTTP, straight from the packets.",
        version: "0.1.0",
        subcommands: [Har.self, Trace.self, Stats.self, Connections.self, Web.self, Timeline.self, TUI.self, FilterHelp.self]
    )

    /// Runs the command line, with glibc's allocator told to keep freed buffers below 32 MiB in the
    /// heap for reuse: its default threshold moves with the sizes freed so far, so capture chunks and
    /// body blocks were unmapped and faulted in again depending on the bodies seen (up to twice the page
    /// faults on `http1-mixed`). Memory stays bounded by the limits structs; only its return to the
    /// system is lazier.
    static func main() {
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 64 << 20)
        do {
            var command = try parseAsRoot(nil)
            try command.run()
        } catch {
            exitQuietly(withError: error)
        }
    }

    /// Ends the run as `exit(withError:)` does, but a wrong argument gets its one-line message only,
    /// without the usage lines after it (each command's `--help` has the usage and examples).
    private static func exitQuietly(withError error: any Error) -> Never {
        let code = exitCode(for: error)
        guard code != .success else { exit(withError: error) }  // --help, --version
        let text = message(for: error)
        if !text.isEmpty {
            let line = "Error: \(text)\n"
            _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
        }
        Glibc.exit(code.rawValue)
    }
}
