import Glibc
import HarkCore
import HarkTLS

/// A key log file read as it grows (the `SSLKEYLOGFILE` of a command hark launched): each `poll` adds
/// the complete lines appended since the last one to the session's key log.
final class KeyLogTail {
    let path: String
    private var descriptor: Int32 = -1
    /// Bytes of a line not yet ended by a newline.
    private var partial: [UInt8] = []
    private var totalBytes = 0
    private var lineNumber = 0
    private var reportedFailure = false

    init(path: String) {
        self.path = path
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Reads what was appended and adds its complete lines to `keyLog`; returns the diagnostics (an
    /// unreadable file is reported once, malformed lines each with its line number).
    func poll(into keyLog: TLSKeyLog) -> [Diagnostic] {
        if descriptor >= 0, isReplaced {
            close(descriptor)
            descriptor = -1
            partial = []
            lineNumber = 0
        }
        if descriptor < 0 {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return failure(errno) }
        }
        var appended: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while totalBytes < KeyLogFile.maximumBytes {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { return failure(errno) }
            if count == 0 { break }
            appended.append(contentsOf: chunk.prefix(count))
            totalBytes += count
        }
        guard let lastNewline = appended.lastIndex(of: UInt8(ascii: "\n")) else {
            partial.append(contentsOf: appended)
            return []
        }
        let lines = partial + appended[...lastNewline]
        partial = Array(appended[(lastNewline + 1)...])
        let firstLine = lineNumber + 1
        lineNumber += lines.lazy.filter { $0 == UInt8(ascii: "\n") }.count
        return keyLog.add(lines, source: path, firstLine: firstLine)
    }

    /// Whether the path now names another file than the one open (a writer replaced it): it is then
    /// read again from its start.
    private var isReplaced: Bool {
        var named = stat()
        var open = stat()
        guard stat(path, &named) == 0, fstat(descriptor, &open) == 0 else { return false }
        return named.st_ino != open.st_ino || named.st_dev != open.st_dev
    }

    private func failure(_ code: Int32) -> [Diagnostic] {
        guard !reportedFailure else { return [] }
        reportedFailure = true
        return [Diagnostic(.error, "cannot read key log: \(String(cString: strerror(code)))", file: path)]
    }
}
