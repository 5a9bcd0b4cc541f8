import Glibc

/// What a signal handler needs to put the terminal back: the descriptor and the mode saved before raw
/// mode, kept in C-compatible globals so that the handler reads them without Swift runtime calls.
///
/// Installed for SIGTERM, SIGINT, SIGHUP and SIGQUIT: the first such signal is recorded and wakes the
/// event loop (through a pipe), which quits the way `q` does, so that hark ends as after a normal
/// quit: the terminal restored, then what `--pid` and `-- CMD` set up (nftables table, cgroup, the
/// command) removed on the way out, then exit status 128 + the signal number. A second signal, for when
/// ending that way takes too long, restores the terminal and exits at once. SIGWINCH only wakes the
/// event loop to redraw at the new size.
enum TerminalRestore {
    nonisolated(unsafe) static var descriptor: Int32 = -1
    nonisolated(unsafe) static var mode = termios()
    nonisolated(unsafe) static var armed: Int32 = 0
    /// The pipe the handlers write a byte to; the event loop polls its read end.
    nonisolated(unsafe) static var wakeWrite: Int32 = -1
    /// The signal that asked to quit; 0 before one came.
    nonisolated(unsafe) static var quitSignal: Int32 = 0

    static func arm(descriptor: Int32, mode: termios) {
        self.mode = mode
        self.descriptor = descriptor
        armed = 1
    }

    static func disarm() {
        armed = 0
    }

    /// Installs the handlers; returns the read end of the wake pipe, or -1.
    static func installSignalHandlers() -> Int32 {
        _ = Terminal.leaveSequenceBytes.count  // initialised now, not in the handler
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                _ = fcntl(end, F_SETFL, O_NONBLOCK)
            }
            wakeWrite = ends[1]
        }
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                if TerminalRestore.quitSignal == 0 {
                    TerminalRestore.quitSignal = number
                    var byte: UInt8 = 3
                    _ = write(TerminalRestore.wakeWrite, &byte, 1)
                    return
                }
                if TerminalRestore.armed != 0 {
                    let leave = Terminal.leaveSequenceBytes
                    leave.withUnsafeBytes { _ = write(TerminalRestore.descriptor, $0.baseAddress, $0.count) }
                    _ = tcsetattr(TerminalRestore.descriptor, TCSAFLUSH, &TerminalRestore.mode)
                }
                _exit(128 + number)
            }
            action.sa_flags = SA_RESTART
            sigaction(signal, &action, nil)
        }
        // A parent may have blocked them (test runners do), and children inherit the mask.
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT] { sigaddset(&unblocked, signal) }
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
        var resize = sigaction()
        resize.__sigaction_handler.sa_handler = { _ in
            var byte: UInt8 = 1
            _ = write(TerminalRestore.wakeWrite, &byte, 1)
        }
        resize.sa_flags = SA_RESTART
        sigaction(SIGWINCH, &resize, nil)
        return ends[0]
    }

    /// Wakes the event loop (from another thread: new data in the store).
    static func wake() {
        var byte: UInt8 = 2
        _ = write(wakeWrite, &byte, 1)
    }
}

extension Terminal {
    /// `leaveSequence` as bytes made before any signal can come (the handler must not allocate).
    nonisolated(unsafe) static let leaveSequenceBytes: [UInt8] = Array(leaveSequence.utf8)
}
