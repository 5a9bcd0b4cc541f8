import ArgumentParser
import Glibc
import HarkCapture
import HarkCore
import HarkSession

/// Opens a capture file, or standard input for `-`, turning failure into a clear message.
func openCapture(_ path: String) throws -> CaptureReader {
    do {
        return try CaptureReader(path: path)
    } catch {
        throw ValidationError("\(error)")
    }
}

/// Reports diagnostics on standard error: the first `limit` in full, then only a count, so a badly
/// damaged capture does not bury the output.
final class DiagnosticReporter {
    private var printed = 0
    private var suppressed = 0
    private let limit: Int
    private let standardError = OutputStream(fileDescriptor: STDERR_FILENO, capacity: 1 << 12)

    init(limit: Int = 50) {
        self.limit = limit
    }

    func report(_ diagnostic: Diagnostic) {
        guard printed < limit else {
            suppressed += 1
            return
        }
        printed += 1
        standardError.write("hark: \(diagnostic)\n")
        standardError.flush()
    }

    /// Prints how many diagnostics were not shown, and fails the run only when nothing at all could be
    /// read.
    func finish(_ statistics: SessionStatistics) throws {
        if suppressed > 0 {
            standardError.write("hark: … and \(suppressed) more diagnostics not shown\n")
        }
        standardError.flush()
        if statistics.frames == 0, statistics.diagnostics > 0 {
            throw ExitCode(1)
        }
    }
}
