import Foundation
import Glibc
import HarkTestSupport
import Testing

/// `hark trace --follow FILE` while the file grows: every exchange of the finished file, shown as its
/// packets arrive, and a clean end on Ctrl-C.
@Suite(.enabled(if: HarkBinary.url != nil, "needs the hark executable"))
struct FollowCommandTests {
    @Test func traceFollowsAFileAppendedToUntilCtrlC() throws {
        let source = try Data(contentsOf: Fixtures.corpus("http1-browse-bro-org.pcap"))
        let expected = try HarkBinary.run(["trace", "--color", "never", Fixtures.corpus("http1-browse-bro-org.pcap").path])
        let expectedLines = expected.output.split(separator: "\n").filter { $0.contains(" GET ") }
        try #require(expectedLines.count == 31)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-follow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let growing = directory.appendingPathComponent("growing.pcap")
        let split = source.count / 3 + 7  // somewhere inside a record
        try source.prefix(split).write(to: growing)
        let output = directory.appendingPathComponent("trace.out")
        let trace = try HarkBinary.start(["trace", "--color", "never", "--follow", growing.path], output: output, errors: directory.appendingPathComponent("trace.err"))
        defer { ToolProcess.kill(trace) }

        func exchangeLines() -> [Substring] {
            ((try? String(contentsOf: output, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0.contains(" GET ") }
        }
        waitUntil { !exchangeLines().isEmpty }
        let early = exchangeLines().count
        #expect(early > 0 && early < 31, "exchanges of the first third, shown before the file is complete: \(early)")
        #expect(trace.isRunning, "the end of the file does not end the run")

        let handle = try FileHandle(forWritingTo: growing)
        handle.seekToEndOfFile()
        handle.write(source.dropFirst(split))
        try handle.close()
        // The last exchanges complete only when their connections close, at the end of the run.
        waitUntil { exchangeLines().count >= 25 }
        #expect(trace.isRunning)
        #expect(HarkBinary.interrupt(trace) == 0)
        #expect(Set(exchangeLines()) == Set(expectedLines), "the same exchanges as reading the whole file")
    }

    @Test func followNeedsAFile() throws {
        let result = try HarkBinary.run(["trace", "--follow"])
        #expect(result.status != 0)
        #expect(result.errors.contains("--follow needs a capture file"), "\(result.errors)")
    }

    private func waitUntil(timeout: Double = 15, _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition(), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    }
}
