import ArgumentParser
import HarkCapture
import HarkCore
import HarkFormat
import HarkSession
import HarkText
import HarkPacket

/// A failure while running (not a usage mistake): ArgumentParser prints it as `Error: …` and exits 1,
/// without the usage line it adds to `ValidationError`s.
struct RunError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Opens a capture file, or standard input for `-`, turning failure into a clear message. With
/// `followUntil`, the file is followed as it grows until it returns true.
func openCapture(_ path: String, followUntil: (() -> Bool)? = nil) throws -> CaptureReader {
    do {
        return try CaptureReader(path: path, followUntil: followUntil)
    } catch {
        throw RunError("\(error)")
    }
}

/// Lines to standard output, in large chunks, or as they come when a person or a pipeline is following
/// along: one at a time on a terminal or while a live capture comes in; with `batched` (an observer
/// that ends its batches, `TracePrinter`, reading a live capture), the lines of each batch of packets
/// in one write, instead of one write per line.
func standardOutputLines(following live: Bool, batched: Bool = false) -> LineWriter {
    let sink = FileDescriptorSink.standardOutput()
    if live, batched, !sink.isTerminal {
        return LineWriter(sink: sink, flushEachBatch: true)
    }
    return LineWriter(sink: sink, flushEachLine: live || sink.isTerminal)
}

/// Writes what is left, then reports an output that failed: quietly when its reader went away
/// (`hark … | head`), as an error otherwise (a full disk).
func finishOutput(_ output: LineWriter) throws {
    output.flush()
    guard let error = output.error else { return }
    if let sinkError = error as? OutputSinkError, sinkError.isBrokenPipe { return }
    throw error
}

/// Reports diagnostics on standard error: the first `limit` in full, then only a count, so a badly
/// damaged capture does not bury the output.
final class DiagnosticReporter {
    private var printed = 0
    private var suppressed = 0
    private let limit: Int
    private let standardError = LineWriter(sink: FileDescriptorSink.standardError(), flushEachLine: true, flushThreshold: 1 << 12)

    init(limit: Int = 50) {
        self.limit = limit
    }

    func report(_ diagnostic: Diagnostic) {
        guard printed < limit else {
            suppressed += 1
            return
        }
        printed += 1
        // Messages may quote capture or key log bytes: never let them drive the terminal.
        standardError.writeLine("hark: " + TerminalText.clean(diagnostic.description))
    }

    /// Prints one line about the run (not a diagnostic: never suppressed).
    func note(_ line: String) {
        standardError.writeLine("hark: " + line)
    }

    /// Prints how many diagnostics were not shown, one line per kind of packet hark left out (so that
    /// nothing is dropped in silence), a live capture's kernel counts, and fails the run only when
    /// nothing at all could be read.
    func finish(_ statistics: SessionStatistics) throws {
        if suppressed > 0 {
            standardError.writeLine("hark: … and \(suppressed) more diagnostics not shown")
        }
        for (kind, count) in statistics.otherTraffic.sorted(by: { ($0.value, $1.key.description) > ($1.value, $0.key.description) }) {
            standardError.writeLine("hark: " + TerminalText.clean(kind.unanalysedReport(count: count)))
        }
        if let counts = statistics.liveCounts {
            standardError.writeLine("hark: " + liveSummary(counts, frames: statistics.frames))
        }
        if let sessions = statistics.keyLogSessions {
            standardError.writeLine("hark: key log: secrets for \(sessions) TLS session\(sessions == 1 ? "" : "s") loaded")
        }
        if statistics.frames == 0, statistics.diagnostics > 0 {
            throw ExitCode(1)
        }
    }

    /// `1234 packets captured, none dropped by the kernel`.
    private func liveSummary(_ counts: LiveCaptureCounts, frames: Int) -> String {
        let drops = counts.dropped == 0 ? "none dropped" : "\(counts.dropped) dropped (connections they belonged to show gaps)"
        return "\(frames) packets captured, \(drops)"
    }
}
