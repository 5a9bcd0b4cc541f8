import Glibc
import HarkFormat

/// A one-line progress bar on standard error, for long runs on a file when standard error is a
/// terminal; silent otherwise (pipes, CI logs, standard input of unknown length).
final class ProgressBar {
    private let total: Int64
    private let isEnabled: Bool
    private var lastDrawn: timespec = timespec()
    private var drewSomething = false

    /// A bar for reading `path`, or a disabled one when its size is unknown or stderr is no terminal.
    init(path: String) {
        var status = stat()
        let isRegularFile = path != "-" && stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
        total = isRegularFile ? Int64(status.st_size) : 0
        isEnabled = isRegularFile && total > 0 && isatty(STDERR_FILENO) == 1
    }

    /// Redraws at most five times a second.
    func update(bytesRead: Int64) {
        guard isEnabled else { return }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let elapsedMilliseconds = (now.tv_sec - lastDrawn.tv_sec) * 1000 + (now.tv_nsec - lastDrawn.tv_nsec) / 1_000_000
        guard elapsedMilliseconds >= 200 else { return }
        lastDrawn = now
        let fraction = min(1, Double(bytesRead) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let line = "\r[\(bar)] \(Int(fraction * 100))% \(ByteCountFormat.short(bytesRead)) of \(ByteCountFormat.short(total))"
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
        drewSomething = true
    }

    /// Clears the bar so later messages start on a clean line.
    func finish() {
        guard drewSomething else { return }
        let clear = "\r\u{1b}[K"
        _ = clear.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }
}
