import Glibc
import HarkLiveCapture
import HarkProcess

/// `--pid PID…`: the traffic of these processes and their descendants, live. `HarkProcess` moves them
/// into a cgroup that an nftables table logs to an NFLOG group; a `LiveCapture` of `nflog:GROUP`
/// reads it. When every watched process has exited, the run drains and ends.
func openProcessSource(pids: [Int32], captureFilter: String?) throws -> OpenedSource {
    let capture: ProcessCapture
    do {
        capture = try ProcessCapture.attach(to: pids)
    } catch {
        throw RunError(error.description)
    }
    let source = try openLive(capture, captureFilter: captureFilter)
    let names = pids.map(String.init).joined(separator: ", ")
    let watched = pids.count == 1 ? "process \(names) and its descendants" : "processes \(names) and their descendants"
    announce("hark: capturing \(watched) (\(capture.device); Ctrl-C to stop)")
    return source
}

/// `-- CMD ARGS…`: starts the command inside the capture with `SSLKEYLOGFILE` (and Node's
/// `--tls-keylog`) pointing at a key log the session follows as it grows, and reads its traffic live
/// until it exits; hark then exits with its status. With `outputPath`, the command writes there instead
/// of hark's terminal.
func openCommandSource(_ arguments: [String], captureFilter: String?, outputPath: String? = nil) throws -> OpenedSource {
    let capture: ProcessCapture
    do {
        capture = try ProcessCapture.launch(arguments, outputPath: outputPath)
    } catch {
        throw RunError(error.description)
    }
    return try openLive(capture, captureFilter: captureFilter)
}

/// How long the capture goes on after the watched processes ended: the last packets (the peer's FIN,
/// the final ACK) follow the exit.
private let drainMicroseconds: UInt32 = 250_000

/// Opens the live capture of the process capture's NFLOG group, then lets the watched processes run.
/// Closing the source removes everything the process capture added.
private func openLive(_ capture: ProcessCapture, captureFilter: String?) throws -> OpenedSource {
    let live: LiveCapture
    do {
        var settings = LiveCaptureSettings(device: capture.device, filter: captureFilter)
        let probe = capture.deliveryProbe
        settings.deliveryCheck = NFLOGDeliveryCheck(prefix: probe.prefix) { probe.send($0) }
        settings.loggedPackets = { [capture] reset in capture.loggedPackets(reset: reset) }
        live = try LiveCapture(settings: settings)
    } catch {
        capture.close()
        throw RunError(error.message)
    }
    if live.deliveryVerified == false {
        announce("hark: warning: a test packet sent through \(capture.device) did not come back within 2 s: packets may be missed")
    }
    do {
        try capture.start {
            usleep(drainMicroseconds)
            StopSignal.request()
        }
    } catch {
        capture.close()
        throw RunError(error.description)
    }
    return OpenedSource(
        input: live,
        isLive: true,
        keepsPrivileges: true,
        followedKeyLogs: capture.keyLogPath.map { [$0] } ?? [],
        teardown: { capture.close() },
        exitStatus: { capture.commandStatus }
    )
}

/// One line on standard error, as tcpdump's "listening on": scripts wait for it.
private func announce(_ line: String) {
    _ = (line + "\n").withCString { write(STDERR_FILENO, $0, strlen($0)) }
}
