import Foundation
import HarkCapture
import HarkCore
import HarkFormat
import HarkModel
import HarkSession
import HarkText

/// Runs a capture through the same path as `hark trace`: capture reader → session → `TracePrinter`.
enum TraceRendering {
    /// The trace's output as text, and the diagnostics a text trace sends to standard error.
    static func render(_ url: URL, options: TraceOptions) throws -> (output: String, diagnostics: [Diagnostic]) {
        let sink = MemorySink()
        let output = LineWriter(sink: sink)
        let collected = DiagnosticList()
        var printer = TracePrinter(output: output, options: options) { collected.items.append($0) }
        _ = CaptureSession(reader: try CaptureReader(path: url.path)).run(observer: &printer)
        output.flush()
        return (String(decoding: sink.bytes, as: UTF8.self), collected.items)
    }

    /// Collects diagnostics from the printer's callback.
    final class DiagnosticList {
        var items: [Diagnostic] = []
    }
}
