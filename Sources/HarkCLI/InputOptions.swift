import ArgumentParser
import Glibc

/// Where the capture comes from: shared by every subcommand that reads one.
struct InputOptions: ParsableArguments {
    @Argument(help: "A pcap or pcapng file, or - for standard input (e.g. tcpdump -U -w - | hark …).", completion: .file())
    var capture: String = "-"

    /// Whether the capture is followed as it is written: standard input from a pipe or a device
    /// (`tcpdump -U -w - | hark …`), not a file redirected in.
    var isLive: Bool {
        guard capture == "-" else { return false }
        var status = stat()
        return fstat(STDIN_FILENO, &status) == 0 && status.st_mode & S_IFMT != S_IFREG
    }
}
