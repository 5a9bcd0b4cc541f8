import HarkCapture
import HarkCore
import HarkTLS

/// A key log file read as it grows (the `SSLKEYLOGFILE` of a command hark launched): each `poll` adds
/// the complete lines appended since the last one to the session's key log.
final class KeyLogTail {
    private let lines: AppendedLines
    private var lineNumber = 0
    private var reportedFailure = false

    init(path: String) {
        self.lines = AppendedLines(path: path, maximumBytes: KeyLogFile.maximumBytes)
    }

    private var path: String { lines.path }

    /// Reads what was appended and adds its complete lines to `keyLog`; returns the diagnostics (an
    /// unreadable file is reported once, malformed lines each with its line number).
    func poll(into keyLog: TLSKeyLog) -> [Diagnostic] {
        var restarted = false
        let text: ArraySlice<UInt8>
        do {
            text = try lines.read(restarted: &restarted)
        } catch {
            guard !reportedFailure else { return [] }
            reportedFailure = true
            return [Diagnostic(.error, "cannot read key log: \(error)", file: path)]
        }
        if restarted { lineNumber = 0 }
        guard !text.isEmpty else { return [] }
        let firstLine = lineNumber + 1
        lineNumber += text.lazy.filter { $0 == UInt8(ascii: "\n") }.count
        return keyLog.add(text, source: path, firstLine: firstLine)
    }
}
