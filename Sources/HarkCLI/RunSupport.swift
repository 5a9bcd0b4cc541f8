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
enum DiagnosticReporter {
    nonisolated(unsafe) private static var printed = 0
    nonisolated(unsafe) private static var suppressed = 0
    private static let limit = 50
    private static let standardError = OutputStream(fileDescriptor: STDERR_FILENO, capacity: 1 << 12)

    static func report(_ diagnostic: Diagnostic) {
        guard printed < limit else {
            suppressed += 1
            return
        }
        printed += 1
        standardError.write("hark: \(diagnostic)\n")
        standardError.flush()
    }

    static func finish() {
        if suppressed > 0 {
            standardError.write("hark: … and \(suppressed) more diagnostics not shown\n")
        }
        standardError.flush()
    }
}

/// Sends one diagnostic to standard error.
func reportDiagnostic(_ diagnostic: Diagnostic) {
    DiagnosticReporter.report(diagnostic)
}

/// Ends a run: prints the diagnostic count, and fails only when nothing at all could be read.
func finishRun(_ statistics: SessionStatistics) throws {
    DiagnosticReporter.finish()
    if statistics.frames == 0, statistics.diagnostics > 0 {
        throw ExitCode(1)
    }
}
