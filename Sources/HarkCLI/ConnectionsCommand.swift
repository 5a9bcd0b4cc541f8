import ArgumentParser
import HarkCapture
import HarkCore
import HarkFilter
import HarkFormat
import HarkModel
import HarkReassembly
import HarkSession

extension Hark {
    /// `hark connections`: one line per TCP connection.
    struct Connections: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List TCP connections: endpoints, timing, packets and bytes each way, RTT, loss, how each ended.",
            discussion: """
                Connections are numbered from 0 in order of their first packet, as tshark's tcp.stream, and \
                listed in that order. A connection whose capture starts mid-stream gets its roles from ports.
                """
        )

        @OptionGroup var input: InputOptions

        @OptionGroup var filter: FilterOptions

        @Flag(help: "Write one JSON object per line instead of text.")
        var json = false

        func validate() throws {
            _ = try filter.connectionFilter()
        }

        func run() throws {
            let filter = try self.filter.connectionFilter()
            let reader = try openCapture(input.capture)
            let output = standardOutputLines(following: input.isLive)
            let diagnostics = DiagnosticReporter()
            var observer = ConnectionPrinter(output: output, diagnostics: diagnostics, format: json ? .json : .text, filter: filter)
            var configuration = input.sessionConfiguration
            configuration.keepsBodies = false  // connections show no bodies
            configuration.parsesMessages = false  // nor messages: the protocol detected is all they need
            configuration.decodesContent = false
            let statistics = CaptureSession(reader: reader, configuration: configuration).run(observer: &observer)
            try finishOutput(output)
            try diagnostics.finish(statistics)
        }
    }
}

/// Prints the connection records the filter keeps in id order as they close, holding back those that
/// closed before an earlier-numbered connection.
struct ConnectionPrinter: SessionObserver {
    enum Format { case text, json }

    let output: LineWriter
    let diagnostics: DiagnosticReporter
    let format: Format
    let filter: Filter
    private var nextID = 0
    private var pending: [Int: ConnectionRecord] = [:]

    init(output: LineWriter, diagnostics: DiagnosticReporter, format: Format, filter: Filter) {
        self.output = output
        self.diagnostics = diagnostics
        self.format = format
        self.filter = filter
    }

    mutating func connectionClosed(_ connection: ConnectionRecord) {
        pending[connection.summary.info.id] = connection
        while let record = pending.removeValue(forKey: nextID) {
            nextID += 1
            guard filter.matches(record) else { continue }
            switch format {
            case .text: output.writeLine(ConnectionFormatter.text(record))
            case .json: output.writeJSONObject { ConnectionFormatter.json(record, to: &$0) }
            }
        }
    }

    mutating func diagnostic(_ diagnostic: Diagnostic) {
        diagnostics.report(diagnostic)
    }
}
