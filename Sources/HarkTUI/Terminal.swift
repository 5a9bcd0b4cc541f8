import Glibc
import Synchronization

/// The controlling terminal (`/dev/tty`, so that a capture can come in on standard input): raw mode,
/// the alternate screen, its size, key bytes in, frames out, and a guaranteed restore.
///
/// Restoring is the one thing that must never be skipped: `restore()` runs on quit and on errors;
/// SIGTERM, SIGINT, SIGHUP and SIGQUIT quit through the same path (`TerminalRestore`), and a second
/// such signal runs the restore in the handler itself (Ctrl-C arrives as a key in raw mode). The
/// handler uses only async-signal-safe calls (`tcsetattr`, `write`, `_exit`) on state saved beforehand.
final class Terminal {
    let descriptor: Int32
    private var saved = termios()
    private var isRaw = false

    /// Opens `/dev/tty`.
    /// - Throws: `TerminalError` when there is no terminal.
    init() throws(TerminalError) {
        let descriptor = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { throw TerminalError("no terminal (/dev/tty): \(String(cString: strerror(errno)))") }
        self.descriptor = descriptor
    }

    deinit {
        restore()
        close(descriptor)
    }

    /// The size in columns and rows (80x24 when the terminal does not say).
    var size: (width: Int, height: Int) {
        var window = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else { return (80, 24) }
        return (Int(window.ws_col), Int(window.ws_row))
    }

    /// Raw mode (no echo, no line editing, no signals from keys, no output processing), the alternate
    /// screen, the cursor hidden.
    func enter() throws(TerminalError) {
        guard tcgetattr(descriptor, &saved) == 0 else { throw TerminalError("cannot read the terminal mode: \(String(cString: strerror(errno)))") }
        var raw = saved
        cfmakeraw(&raw)
        guard tcsetattr(descriptor, TCSAFLUSH, &raw) == 0 else { throw TerminalError("cannot set raw mode: \(String(cString: strerror(errno)))") }
        isRaw = true
        TerminalRestore.arm(descriptor: descriptor, mode: saved)
        write(Self.enterSequence)
    }

    /// Leaves the alternate screen and puts the saved mode back; does nothing the second time.
    func restore() {
        guard isRaw else { return }
        isRaw = false
        write(Self.leaveSequence)
        _ = tcsetattr(descriptor, TCSAFLUSH, &saved)
        TerminalRestore.disarm()
    }

    /// Writes all of `text`.
    func write(_ text: String) {
        var bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                buffer.baseAddress.map { Glibc.write(descriptor, $0 + done, buffer.count - done) } ?? -1
            }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { return }
            done += result
        }
        bytes.removeAll()
    }

    /// Reads what key bytes are there, waiting at most `timeout` milliseconds for some (also woken by
    /// `wakeDescriptor` becoming readable); empty when none came.
    func read(timeout: Int32, wakeDescriptor: Int32) -> [UInt8] {
        var polls = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)]
        let ready = poll(&polls, 2, timeout)
        guard ready > 0 else { return [] }
        if polls[1].revents != 0 {
            var drain = [UInt8](repeating: 0, count: 64)
            _ = Glibc.read(wakeDescriptor, &drain, drain.count)
        }
        guard polls[0].revents & Int16(POLLIN) != 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = Glibc.read(descriptor, &buffer, buffer.count)
        return count > 0 ? Array(buffer[..<count]) : []
    }

    /// Alternate screen (1049), cursor hidden (25), and no line wrapping at the right edge (7).
    static let enterSequence = "\u{1B}[?1049h\u{1B}[?25l\u{1B}[?7l\u{1B}[0m\u{1B}[2J"
    /// The reverse of `enterSequence`.
    static let leaveSequence = "\u{1B}[0m\u{1B}[?7h\u{1B}[?25h\u{1B}[?1049l"
}

/// Why the terminal could not be used.
struct TerminalError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
