import ArgumentParser
import Glibc
import HarkCapture
import HarkFormat
import HarkModel
import HarkOTLP
import HarkSession

/// A source opened for one run: the input every command reads the same way, and what ends it.
///
/// Live sources set things up when opened (a capture handle; for `--pid` and `-- CMD`, cgroups and
/// nftables rules) and undo them in `close()`, which `run` calls on every path out of the session.
final class OpenedSource {
    /// The records to analyse.
    private(set) var input: any CaptureInput
    /// For a live source, the TCP ports listening on this machine when it was opened: they tell the
    /// server side of connections joined after their handshake.
    var listeningPorts: Set<UInt16> = []
    /// Whether a person or a pipeline follows the output as packets arrive (a live capture or a
    /// pipe): output lines are then flushed one by one.
    let isLive: Bool
    /// Whether hark must stay root after opening, because closing the source needs it (removing
    /// nftables rules and cgroups); other sources let hark become the invoking user at once.
    let keepsPrivileges: Bool
    /// Key logs that grow during the run (a launched command's SSLKEYLOGFILE): the session follows
    /// them, and TLS connections wait for their secrets.
    let followedKeyLogs: [String]
    /// Where `--otlp` sends spans and metrics of everything the run sees; nil without it.
    var telemetry: OTLPTelemetry?
    private var teardown: (() -> Void)?
    private let exitStatusOfSource: () -> Int32?

    /// - Parameters:
    ///   - teardown: undoes what opening set up; called once, after the session.
    ///   - exitStatus: the status hark should exit with when the source decides it (a watched command's).
    init(
        input: any CaptureInput,
        isLive: Bool,
        keepsPrivileges: Bool = false,
        followedKeyLogs: [String] = [],
        teardown: (() -> Void)? = nil,
        exitStatus: @escaping () -> Int32? = { nil }
    ) {
        self.input = input
        self.isLive = isLive
        self.keepsPrivileges = keepsPrivileges
        self.followedKeyLogs = followedKeyLogs
        self.teardown = teardown
        self.exitStatusOfSource = exitStatus
    }

    deinit {
        close()
    }

    /// Runs a session over the source to its end (end of file, Ctrl-C, the watched command's exit),
    /// then closes the source. With `telemetry`, every exchange and connection also goes to it, ahead of
    /// the command's filter (messages are parsed even for a command that shows none), and the run ends by
    /// flushing it (at most its flush timeout).
    func run<Observer: SessionObserver>(_ configuration: SessionConfiguration, observer: inout Observer) -> SessionStatistics {
        defer { close() }
        var configuration = configuration
        configuration.followedKeyLogPaths += followedKeyLogs
        configuration.listeningPorts = listeningPorts
        guard let telemetry else { return CaptureSession(input: input, configuration: configuration).run(observer: &observer) }
        configuration.parsesMessages = true
        let session = CaptureSession(input: input, configuration: configuration)
        var exporting = OTLPObserver(base: observer, telemetry: telemetry)
        let statistics = session.run(observer: &exporting)
        exporting.finish()
        observer = exporting.base
        return statistics
    }

    /// Writes the records read, and the run's TLS secrets, to a pcapng file at `path` as the run goes
    /// (`-w`); the file is closed with the source.
    ///
    /// - Throws: `RunError` when the file cannot be created.
    func record(to path: String, keyLogPaths: [String]) throws {
        let sink = try openOutput(path)
        Privileges.giveToInvokingUser(sink.fileDescriptor)
        input = PcapNGRecorder(input, writingTo: sink, path: path, keyLogPaths: keyLogPaths, followedKeyLogPaths: followedKeyLogs)
        let previous = teardown
        teardown = {
            previous?()
            if sink.fileDescriptor > STDERR_FILENO { Glibc.close(sink.fileDescriptor) }
        }
    }

    /// Undoes what opening set up (once).
    func close() {
        let pending = teardown
        teardown = nil
        pending?()
    }

    /// Ends the run with the source's exit status when it has one that is not 0 (a watched command
    /// that failed).
    func exitWithSourceStatus() throws {
        if let status = exitStatusOfSource(), status != 0 {
            throw ExitCode(status)
        }
    }
}
