import ArgumentParser
import HarkCore
import HarkFormat
import HarkModel
import HarkSession

extension Hark {
    /// `hark trace`: one readable line per exchange as it completes.
    struct Trace: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one line per HTTP exchange as it completes: time, client → server, method, URL, status, latency, sizes."
        )

        @OptionGroup var input: InputOptions

        func run() throws {
            let reader = try openCapture(input.capture)
            let output = standardOutputLines(following: true)
            let diagnostics = DiagnosticReporter()
            var observer = TracePrinter(output: output, diagnostics: diagnostics)
            let statistics = CaptureSession(reader: reader).run(observer: &observer)
            try finishOutput(output)
            try diagnostics.finish(statistics)
        }
    }
}

/// Writes each exchange as a line, flushed at once so a live capture shows up as it happens.
struct TracePrinter: SessionObserver {
    let output: LineWriter
    let diagnostics: DiagnosticReporter

    mutating func exchange(_ exchange: Exchange) {
        output.writeLine(ExchangeLine.text(exchange))
    }

    mutating func diagnostic(_ diagnostic: Diagnostic) {
        diagnostics.report(diagnostic)
    }
}

/// The one-line rendering of an exchange.
enum ExchangeLine {
    /// `17:04:01.819 #0 10.0.2.15:55079 → 192.150.187.43:80 GET http://bro.org/ → 200 OK 93.2 ms ↑0 B ↓15.9 kB`
    static func text(_ exchange: Exchange) -> String {
        let request = exchange.request
        let time = TimestampFormat.iso8601(request.firstByte, fractionDigits: 3)
        var line = "\(time) #\(exchange.connection.id) \(exchange.connection.client) → \(exchange.connection.server)"
        line += " \(request.method) \(request.url(server: exchange.connection.server))"
        if let response = exchange.response {
            let status = response.status == .absent ? "(no status line)" : "\(response.status.rawValue) \(response.reason)"
            line += " → \(status) \(TimestampFormat.duration(exchange.duration))"
            line += " ↑\(ByteCountFormat.short(Int64(request.body.length))) ↓\(ByteCountFormat.short(Int64(response.body.length)))"
        } else {
            line += " → no response"
        }
        for interim in exchange.interimResponses {
            line += " [\(interim.status.rawValue)]"
        }
        if !exchange.problems.isEmpty {
            line += " ! " + exchange.problems.joined(separator: "; ")
        }
        return line
    }
}
