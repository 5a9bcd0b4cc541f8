import HarkTestSupport
import HarkText
import Testing

struct TracePrinterColorTests {
    private let capture = Fixtures.corpus("http1-browse-wikipedia-304.pcap")

    @Test func coloursStatusClassesAndDimsTCPLines() throws {
        let (output, _) = try TraceRendering.render(capture, options: TraceOptions(showTCP: true, useColor: true))
        let lines = output.split(separator: "\n")
        #expect(lines.contains { $0.contains("\u{1B}[36m304\u{1B}[0m") && $0.contains("\u{1B}[1mGET\u{1B}[0m http://www.wikipedia.org/") })
        #expect(lines.contains { $0.contains("\u{1B}[2mconnected (handshake") })
    }

    @Test func neverColoursWhenOffOrInJSON() throws {
        let plain = try TraceRendering.render(capture, options: TraceOptions(showTCP: true)).output
        let json = try TraceRendering.render(capture, options: TraceOptions(format: .jsonLines, showTCP: true, useColor: true)).output
        #expect(!plain.contains("\u{1B}"))
        #expect(!json.contains("\u{1B}"))
    }
}
