import Glibc
import HarkCapture
import HarkLiveCapture
import HarkProcess

extension InputOptions {
    /// Opens the chosen source, then gives up root when it is no longer needed (under sudo hark
    /// becomes the invoking user, so the files it writes are theirs): open outputs after this. With
    /// `-w`, the source's records are also written to a pcapng file.
    ///
    /// - Parameter commandOutput: where a launched command's standard output and error go (its input
    ///   is then `/dev/null`); nil leaves it hark's terminal.
    /// - Throws: `RunError` with one line saying why the source cannot be opened and what to do.
    func open(commandOutput: String? = nil) throws -> OpenedSource {
        let source: OpenedSource
        switch self.source {
        case .file(let path):
            let reader = try openCapture(path)
            // Ctrl-C ends a pipe's run like its end: the writer (tcpdump) stops too, and hark still
            // reads what it wrote.
            if reader.waitsForInput { StopSignal.install() }
            source = OpenedSource(input: try filtered(reader), isLive: reader.waitsForInput)
        case .followedFile(let path):
            StopSignal.install()
            let reader = try openCapture(path, followUntil: { StopSignal.isRequested })
            source = OpenedSource(input: try filtered(reader), isLive: true)
        case .replayedFile(let path):
            StopSignal.install()
            source = OpenedSource(input: RealtimeReplay(try filtered(try openCapture(path))), isLive: true)
        case .interface(let device):
            StopSignal.install()
            do {
                let capture = try LiveCapture(settings: LiveCaptureSettings(device: device, filter: captureFilter))
                source = OpenedSource(input: capture, isLive: true)
                announce(capture)
            } catch {
                throw RunError(error.message)
            }
        case .processes(let pids):
            StopSignal.install()
            source = try openProcessSource(pids: pids, captureFilter: captureFilter)
        case .command(let arguments):
            StopSignal.install()
            source = try openCommandSource(arguments, captureFilter: captureFilter, outputPath: commandOutput)
        }
        switch self.source {
        case .interface, .processes, .command: source.listeningPorts = ListeningPorts.current()
        case .file, .followedFile, .replayedFile: break
        }
        if !source.keepsPrivileges {
            try Privileges.becomeInvokingUser()
        }
        if let writePath {
            try source.record(to: writePath, keyLogPaths: keyLogs)
        }
        source.telemetry = try otlp.telemetry()
        return source
    }

    /// Says on standard error that the capture runs, as tcpdump does: scripts wait for this line.
    private func announce(_ capture: LiveCapture) {
        let filter = captureFilter.map { ", capture filter '\($0)'" } ?? ""
        let line = "hark: listening on \(capture.name), link type \(capture.linkType)\(filter) (Ctrl-C to stop)\n"
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }

    /// A file's input through the capture filter, when one was given.
    private func filtered(_ input: any CaptureInput) throws -> any CaptureInput {
        guard let captureFilter else { return input }
        do {
            return FilteredInput(input, filter: try CaptureFilter(captureFilter))
        } catch {
            throw RunError(error.message)
        }
    }
}
