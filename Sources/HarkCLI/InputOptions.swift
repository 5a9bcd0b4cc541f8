import ArgumentParser
import Glibc
import HarkLiveCapture
import HarkSession

/// Where the packets come from, and the TLS secrets to read them with: the one source option set every
/// command takes (`FILE`, `-`, `-i IFACE`, `--pid PID`, `-- CMD ARGS…`, plus `-f BPF`).
///
/// `validate()` checks the combination and the capture filter before anything is opened; `open()`
/// (`InputOptions+Open.swift`) turns the choice into a `CaptureInput`.
struct InputOptions: ParsableArguments {
    @Argument(
        help: "A pcap or pcapng file, or - for standard input (e.g. tcpdump -U -w - | hark …). The default when no other source is given.",
        completion: .file()
    )
    var capture: String?

    @Option(
        name: [.customShort("i"), .customLong("interface")],
        help: ArgumentHelp("Capture live on this interface (lo, eth0, or any for all); needs root or CAP_NET_RAW.", valueName: "iface")
    )
    var interface: String?

    @Option(
        name: .customLong("pid"),
        help: ArgumentHelp("Capture the traffic of this process and its descendants, live (repeatable); needs root.", valueName: "pid")
    )
    var pids: [Int32] = []

    @Option(
        name: [.customShort("f"), .customLong("capture-filter")],
        help: ArgumentHelp(
            "A capture filter in pcap-filter syntax ('tcp port 8080'): run in the kernel for a live source, applied to a file's packets too. --filter works on exchanges.",
            valueName: "bpf"
        )
    )
    var captureFilter: String?

    @Option(
        name: .customLong("keylog"),
        help: ArgumentHelp(
            "An NSS key log (what SSLKEYLOGFILE makes curl, browsers, Python and Node write) to decrypt TLS with (repeatable). Secrets in a pcapng's Decryption Secrets Blocks are used as well.",
            valueName: "file"
        ),
        completion: .file()
    )
    var keyLogs: [String] = []

    @Flag(
        help: "Follow a capture file that is still being written (tcpdump -w FILE), like tail -f: at its end, wait for more until Ctrl-C or SIGTERM."
    )
    var follow = false

    @Flag(
        help: "Read the capture file at the pace it was recorded, as if live: each exchange shows when it happened, and Ctrl-C or SIGTERM ends the run as they end a live capture."
    )
    var realtime = false

    @Option(
        name: [.customShort("w"), .customLong("write")],
        help: ArgumentHelp(
            "Also write the packets read to this pcapng file as the run goes, with the TLS secrets used as Decryption Secrets Blocks (Wireshark opens it decrypted; hark reads it without --keylog).",
            valueName: "file"
        ),
        completion: .file()
    )
    var writePath: String?

    @Option(
        name: .customLong("threads"),
        help: ArgumentHelp(
            "Threads that analyse connections, each connection on one of them; the output is the same whatever the number. Default: for hark har on a capture file one per core (at most \(InputOptions.maximumDefaultThreads)), where it pays; 1 otherwise (other commands ran no faster with more, and live sources show exchanges without waiting).",
            valueName: "n"
        )
    )
    var threads: Int?

    @OptionGroup(title: "OpenTelemetry export")
    var otlp: OTLPOptions

    @Argument(
        parsing: .postTerminator,
        help: ArgumentHelp("After --: a command to run and capture the traffic of, live (hark trace -- curl -s https://example.com).", valueName: "command")
    )
    var command: [String] = []

    func validate() throws {
        let chosen = [
            capture.map { _ in "a capture file" }, interface.map { _ in "-i" }, pids.isEmpty ? nil : "--pid",
            command.isEmpty ? nil : "-- command",
        ].compactMap { $0 }
        if chosen.count > 1 {
            throw ValidationError("choose one source: \(chosen.joined(separator: ", ")) were given")
        }
        if follow, capture == nil || capture == "-" {
            throw ValidationError("--follow needs a capture file (standard input and live sources are followed anyway)")
        }
        if realtime, capture == nil || capture == "-" || follow {
            throw ValidationError("--realtime needs a capture file (standard input, --follow and live sources run at their own pace)")
        }
        if source == .file("-"), isatty(STDIN_FILENO) == 1 {
            throw ValidationError(
                "no capture given, and standard input is a terminal: name a capture file (hark trace capture.pcap), "
                    + "pipe one in (tcpdump -U -w - | hark trace -), or capture live (-i IFACE, --pid PID, -- CMD)"
            )
        }
        if let captureFilter {
            do {
                _ = try CaptureFilter(captureFilter)
            } catch {
                throw ValidationError(error.message)
            }
        }
        if let threads, !(1...InputOptions.maximumThreads).contains(threads) {
            throw ValidationError("--threads takes a number from 1 to \(InputOptions.maximumThreads)")
        }
        for path in keyLogs where access(path, R_OK) != 0 {
            throw ValidationError("cannot read the key log \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The source chosen: a file or standard input unless another was given.
    var source: CaptureSourceChoice {
        if let interface { return .interface(interface) }
        if !pids.isEmpty { return .processes(pids) }
        if !command.isEmpty { return .command(command) }
        if follow, let capture { return .followedFile(capture) }
        if realtime, let capture { return .replayedFile(capture) }
        return .file(capture ?? "-")
    }

    /// What a progress bar measures against: the capture file, or `-` (no bar) for anything that
    /// grows while it is read.
    var progressPath: String { follow || realtime ? "-" : capture ?? "-" }

    /// The session settings these options ask for.
    var sessionConfiguration: SessionConfiguration {
        var configuration = SessionConfiguration()
        configuration.keyLogPaths = keyLogs
        configuration.analysisThreads = threads ?? 1
        return configuration
    }

    /// `--threads`, or without it one analysing thread per core (at most 8) for a capture file and one
    /// for anything that grows while it is read. `hark har` asks for it: its work per exchange (bodies
    /// decoded, entries built) pays for handing connections to other threads, while `trace`,
    /// `connections` and `--otlp` ran slower or no faster with two threads on two cores (BENCHMARKS.md,
    /// issue #18), so they keep one unless told.
    var threadsForHeavyAnalysis: Int {
        if let threads { return threads }
        guard !source.isFollowed else { return 1 }
        return min(max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))), InputOptions.maximumDefaultThreads)
    }

    /// The most threads `--threads` takes.
    static let maximumThreads = 64
    /// The most threads used when `--threads` is not given: past a few workers the session's own
    /// thread (decoding, reassembly, output) is the limit.
    static let maximumDefaultThreads = 8

}

/// The one source a run reads.
enum CaptureSourceChoice: Equatable {
    /// A pcap or pcapng file, or `-` for standard input.
    case file(String)
    /// A capture file still being written, read as it grows until Ctrl-C or SIGTERM (`--follow`).
    case followedFile(String)
    /// A capture file read at the pace it was recorded, as if live, until its end or Ctrl-C
    /// (`--realtime`).
    case replayedFile(String)
    /// A live capture on an interface (`any` included).
    case interface(String)
    /// The traffic of these processes and their descendants (`--pid`, repeatable).
    case processes([Int32])
    /// A command hark starts, and its traffic (`-- CMD ARGS…`).
    case command([String])
}

extension CaptureSourceChoice {
    /// How the source is named to a person (page titles, reports).
    var displayName: String {
        switch self {
        case .file(let path): path == "-" ? "standard input" : path
        case .followedFile(let path), .replayedFile(let path): path
        case .interface(let name): "interface \(name)"
        case .processes(let pids): "process " + pids.map(String.init).joined(separator: ", ")
        case .command(let words): words.joined(separator: " ")
        }
    }

    /// Whether the source grows while it is read (anything but a named file), so views follow it.
    var isFollowed: Bool {
        if case .file(let path) = self { return path == "-" }
        return true
    }

    /// Whether the source is a live capture (an interface, processes, a command) or a file replayed as
    /// one: its session reads it in batches and reports a clock after each, even while no packet comes.
    var isCapture: Bool {
        switch self {
        case .interface, .processes, .command, .replayedFile: true
        case .file, .followedFile: false
        }
    }
}
