import Foundation
import HarkTestSupport
import HarkText
import Testing

/// `hark trace` output on small corpus captures, compared line by line with reviewed golden files in
/// `Tests/Fixtures/golden`. Set `HARK_UPDATE_GOLDEN=1` to rewrite them (then review the diff).
struct TracePrinterGoldenTests {
    static let captures = ["http1-100-continue-chunked.pcap", "tcp-retx-cab-multi-conn.pcap"]

    /// Every detail on: headers, bodies (cut at 300 bytes), TCP events.
    static func options(_ format: TraceOptions.Format) -> TraceOptions {
        TraceOptions(format: format, showHeaders: true, showBodies: true, showTCP: true, maximumBodyBytes: 300)
    }

    @Test(arguments: captures)
    func textMatchesGolden(capture: String) throws {
        try compare(capture: capture, format: .text, suffix: "trace.txt")
    }

    @Test(arguments: captures)
    func jsonLinesMatchGolden(capture: String) throws {
        try compare(capture: capture, format: .jsonLines, suffix: "trace.jsonl")
    }

    @Test(arguments: captures)
    func everyJSONLineIsAnObjectWithAType(capture: String) throws {
        let (output, _) = try TraceRendering.render(Fixtures.corpus(capture), options: Self.options(.jsonLines))
        for line in output.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let type = try #require(object["type"] as? String)
            #expect(["exchange", "tcp", "connection", "diagnostic"].contains(type))
        }
    }

    private func compare(capture: String, format: TraceOptions.Format, suffix: String) throws {
        let (output, _) = try TraceRendering.render(Fixtures.corpus(capture), options: Self.options(format))
        let stem = (capture as NSString).deletingPathExtension
        let golden = Fixtures.directory.appendingPathComponent("golden/\(stem).\(suffix)")
        if ProcessInfo.processInfo.environment["HARK_UPDATE_GOLDEN"] == "1" {
            try output.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        let actualLines = output.split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        for (number, (actual, wanted)) in zip(actualLines, expectedLines).enumerated() where actual != wanted {
            Issue.record("\(golden.lastPathComponent) line \(number + 1):\n got: \(actual)\nwant: \(wanted)")
            return
        }
        #expect(actualLines.count == expectedLines.count, "\(golden.lastPathComponent): line count")
    }
}
