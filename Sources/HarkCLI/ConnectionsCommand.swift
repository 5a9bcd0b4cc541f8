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
                listed in that order. A connection whose capture starts mid-stream gets its roles from ports. \
                When more than 10,000 finished connections wait behind an earlier one still open, the rest \
                are listed as they close (each line starts with its number), so memory stays bounded.

                Examples:
                  hark connections capture.pcap
                  hark connections --filter 'port=5000 and conn<5' capture.pcap
                  hark connections --json capture.pcap
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
            let source = try input.open()
            let output = standardOutputLines(following: source.isLive)
            let diagnostics = DiagnosticReporter()
            var observer = ConnectionPrinter(
                output: output, diagnostics: diagnostics, format: json ? .json : .text, filter: filter, inIDOrder: !source.isLive
            )
            var configuration = input.sessionConfiguration
            configuration.keepsBodies = false  // connections show no bodies
            configuration.parsesMessages = false  // nor messages: the protocol detected is all they need
            configuration.decodesContent = false
            let statistics = source.run(configuration, observer: &observer)
            try finishOutput(output)
            try diagnostics.finish(statistics)
            try source.exitWithSourceStatus()
        }
    }
}

/// Prints the connection records the filter keeps as they close: in id order for a file, holding back
/// those that closed before an earlier-numbered connection; at once for a live source, where a
/// long-lived connection would hold back every later one (those still open come at the end).
///
/// A file falls back to close order too once `maxHeldRecords` records are held back: one long-lived
/// connection among hundreds of thousands of short ones must not keep them all in memory.
struct ConnectionPrinter: SessionObserver {
    /// Records held back for id order before the printer switches to close order.
    static let maxHeldRecords = 10_000

    enum Format { case text, json }

    let output: LineWriter
    let diagnostics: DiagnosticReporter
    let format: Format
    let filter: Filter
    private(set) var inIDOrder: Bool
    private var nextID = 0
    private var pending: [Int: ConnectionRecord] = [:]

    init(output: LineWriter, diagnostics: DiagnosticReporter, format: Format, filter: Filter, inIDOrder: Bool = true) {
        self.output = output
        self.diagnostics = diagnostics
        self.format = format
        self.filter = filter
        self.inIDOrder = inIDOrder
    }

    mutating func connectionClosed(_ connection: ConnectionRecord) {
        guard inIDOrder else { return print(connection) }
        pending[connection.summary.info.id] = connection
        while let record = pending.removeValue(forKey: nextID) {
            nextID += 1
            print(record)
        }
        if pending.count > Self.maxHeldRecords {
            inIDOrder = false
            for id in pending.keys.sorted() {
                if let record = pending.removeValue(forKey: id) { print(record) }
            }
        }
    }

    private func print(_ record: ConnectionRecord) {
        guard filter.matches(record) else { return }
        switch format {
        case .text: output.writeLine(ConnectionFormatter.text(record))
        case .json: output.writeJSONObject { ConnectionFormatter.json(record, to: &$0) }
        }
    }

    mutating func diagnostic(_ diagnostic: Diagnostic) {
        diagnostics.report(diagnostic)
    }
}
