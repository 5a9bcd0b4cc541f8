import ArgumentParser
import Glibc
import HarkSession

/// Where the capture comes from, and the TLS secrets to read it with: shared by every subcommand that
/// reads one.
struct InputOptions: ParsableArguments {
    @Argument(help: "A pcap or pcapng file, or - for standard input (e.g. tcpdump -U -w - | hark …).", completion: .file())
    var capture: String = "-"

    @Option(
        name: .customLong("keylog"),
        help: ArgumentHelp(
            "An NSS key log (what SSLKEYLOGFILE makes curl, browsers, Python and Node write) to decrypt TLS with (repeatable). Secrets in a pcapng's Decryption Secrets Blocks are used as well.",
            valueName: "file"
        ),
        completion: .file()
    )
    var keyLogs: [String] = []

    func validate() throws {
        for path in keyLogs where access(path, R_OK) != 0 {
            throw ValidationError("cannot read the key log \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The session settings these options ask for.
    var sessionConfiguration: SessionConfiguration {
        var configuration = SessionConfiguration()
        configuration.keyLogPaths = keyLogs
        return configuration
    }

    /// Whether the capture is followed as it is written: standard input from a pipe or a device
    /// (`tcpdump -U -w - | hark …`), not a file redirected in.
    var isLive: Bool {
        guard capture == "-" else { return false }
        var status = stat()
        return fstat(STDIN_FILENO, &status) == 0 && status.st_mode & S_IFMT != S_IFREG
    }
}
