import Foundation
import HarkCore
import HarkTestSupport
import HarkText
import Testing

/// `hark trace` lines of a file come out in order of the time they show (issue 15, item 17), on
/// captures whose connections interleave. Printed as they complete, the same captures are out of order:
/// exchange lines come at their response's end but show their request's start, connection summaries
/// come at close.
struct TraceLineOrderCorpusTests {
    static let captures = [
        "http1-browse-bro-org.pcap", "http1-browse-wikipedia-304.pcap", "tcp-retx-cab-multi-conn.pcap",
        "h2-tls13-youtube-dsb.pcapng", "http1-mixed-app-traffic.pcap",
    ]

    /// The shown times of a text trace, in output order (`HH:MM:SS.mmm` after each `# YYYY-MM-DD` line).
    static func shownTimes(_ output: String) -> [String] {
        var day = ""
        var times: [String] = []
        for line in output.split(separator: "\n") {
            if line.hasPrefix("# ") {
                day = String(line.dropFirst(2).prefix(10))
            } else if let first = line.split(separator: " ").first, first.count == 12, first.dropFirst(2).first == ":" {
                times.append(day + "T" + first)
            }
        }
        return times
    }

    /// Where a list of sortable strings goes backwards, as (index, previous, value).
    static func decreases(_ values: [String]) -> [(Int, String, String)] {
        zip(values.indices.dropFirst(), zip(values, values.dropFirst())).compactMap { index, pair in
            pair.1 < pair.0 ? (index, pair.0, pair.1) : nil
        }
    }

    @Test(arguments: captures)
    func textLinesAreInTimeOrder(capture: String) throws {
        let options = TraceOptions(showTCP: true)
        let (output, _) = try TraceRendering.render(Fixtures.corpus(capture), options: options)
        let times = Self.shownTimes(output)
        #expect(times.count > 5)
        let backwards = Self.decreases(times)
        #expect(backwards.isEmpty, "\(capture): \(backwards.prefix(5))")
    }

    @Test(arguments: captures)
    func jsonLinesAreInTimeOrder(capture: String) throws {
        let options = TraceOptions(format: .jsonLines, showTCP: true)
        let (output, _) = try TraceRendering.render(Fixtures.corpus(capture), options: options)
        var times: [String] = []
        for line in output.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if let time = object["time"] as? String { times.append(time) }  // ISO 8601 µs, sortable as text
        }
        #expect(times.count > 5)
        let backwards = Self.decreases(times)
        #expect(backwards.isEmpty, "\(capture): \(backwards.prefix(5))")
    }

    /// The same lines as when printed as they complete, only in another order; and those captures were
    /// out of order that way (so the tests above check something).
    @Test(arguments: captures)
    func orderingOnlyMovesLines(capture: String) throws {
        let sorted = try TraceRendering.render(Fixtures.corpus(capture), options: TraceOptions(showTCP: true)).output
        let completed = try TraceRendering.render(
            Fixtures.corpus(capture), options: TraceOptions(showTCP: true, lineOrder: .asCompleted)
        ).output
        let lines = { (text: String) in text.split(separator: "\n").filter { !$0.hasPrefix("# ") }.sorted() }
        #expect(lines(sorted) == lines(completed))
        #expect(!Self.decreases(Self.shownTimes(completed)).isEmpty, "\(capture) was in order anyway")
    }

    /// A live or piped capture: lines are held two seconds of capture time, so the only lines out of
    /// order are those written more than that after their time: here connection summaries (a reset
    /// connection is retired after its last packet) and exchanges of a second or more; with a window
    /// longer than all of them, none.
    @Test func liveWindowKeepsOrderWithinItsSeconds() throws {
        let capture = Fixtures.corpus("tcp-retx-cab-multi-conn.pcap")
        let live = try TraceRendering.render(capture, options: TraceOptions(showTCP: true, lineOrder: .live)).output
        let lines = live.split(separator: "\n").filter { !$0.hasPrefix("# ") }
        let backwards = Self.decreases(Self.shownTimes(live))
        #expect(!backwards.isEmpty, "the capture has exchanges slower than 2 s")
        for (index, _, _) in backwards {
            let late = lines[index]
            #expect(late.contains(" pkt ") || late.contains(" s  ↑"), "neither a summary nor a slow exchange: \(late)")
        }
        let wide = TraceOptions(showTCP: true, lineOrder: .window(.seconds(60), maximumHeldBytes: 1 << 20))
        let inWindow = try TraceRendering.render(capture, options: wide).output
        #expect(Self.decreases(Self.shownTimes(inWindow)).isEmpty)
    }
}
