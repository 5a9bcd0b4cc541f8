import Foundation
import Glibc
import HarkTestSupport
import Testing

/// `--realtime`: a capture file read at the pace it was recorded, as a live capture delivers it. The
/// capture: four HTTP streams over IPv6 spanning 3.9 s, the first exchange at its start, the second
/// 1.2 s later, nine in all.
@Suite(.enabled(if: HarkBinary.url != nil, "needs the hark executable"))
struct RealtimeReplayTests {
    private let capture = Fixtures.corpus("ipv6-rawip-four-http-streams.pcap")

    @Test func exchangesAppearAtTheCapturesPaceAndMatchTheFileRead() throws {
        let expected = try HarkBinary.run(["trace", "--json", capture.path])
        let expectedLines = expected.output.split(separator: "\n").filter { $0.contains("\"type\":\"exchange\"") }
        try #require(expectedLines.count == 9)

        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("trace.out")
        let started = Date()
        let trace = try HarkBinary.start(["trace", "--json", "--realtime", capture.path], output: output, errors: directory.appendingPathComponent("trace.err"))
        defer { ToolProcess.kill(trace) }
        // When each exchange line was first seen, polled every 10 ms.
        var seen: [Date] = []
        while trace.isRunning || seen.count < exchangeLines(in: output).count {
            let count = exchangeLines(in: output).count
            while seen.count < count { seen.append(Date()) }
            if Date().timeIntervalSince(started) > 30 { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        let elapsed = Date().timeIntervalSince(started)
        try #require(!trace.isRunning, "the replay ended at the end of the file")
        #expect(trace.terminationStatus == 0)
        #expect(elapsed >= 3.7, "a 3.9 s capture replayed in \(elapsed) s")
        #expect(exchangeLines(in: output) == expectedLines, "the same exchanges, in the same order, as reading the file")
        // Read flat out, every line is out within a fraction of a second of the start.
        let shown = seen.map { $0.timeIntervalSince(started) }
        try #require(shown.count == 9)
        #expect(shown[1] >= 1.2, "the second exchange ended 1.26 s into the capture, shown \(shown[1]) s after the start")
        #expect(shown[1] - shown[0] >= 0.5, "shown as they happen, not all at the end: \(shown)")
    }

    @Test func ctrlCEndsTheReplayWithWhatWasShown() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("trace.out")
        let trace = try HarkBinary.start(["trace", "--json", "--realtime", capture.path], output: output, errors: directory.appendingPathComponent("trace.err"))
        defer { ToolProcess.kill(trace) }
        let deadline = Date().addingTimeInterval(20)
        while exchangeLines(in: output).isEmpty, trace.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let interrupted = Date()
        #expect(HarkBinary.interrupt(trace) == 0)
        let stopping = Date().timeIntervalSince(interrupted)
        let lines = exchangeLines(in: output)
        #expect(stopping < 1.5, "Ctrl-C ended the replay in \(stopping) s, not at the capture's end")
        #expect(!lines.isEmpty && lines.count < 9, "the exchanges shown before Ctrl-C, not the rest: \(lines.count)")
    }

    @Test func aTruncatedCaptureIsReplayedUpToItsCutAndSaysWhere() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = try Data(contentsOf: capture)
        let truncated = directory.appendingPathComponent("truncated.pcap")
        try whole.prefix(whole.count * 2 / 3).write(to: truncated)
        let expected = try HarkBinary.run(["trace", "--json", truncated.path])
        let result = try HarkBinary.run(["trace", "--json", "--realtime", truncated.path])
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n").filter { $0.contains("\"type\":\"exchange\"") }
        let expectedLines = expected.output.split(separator: "\n").filter { $0.contains("\"type\":\"exchange\"") }
        #expect(!lines.isEmpty && lines.count < 9, "the exchanges before the cut: \(lines.count)")
        #expect(lines == expectedLines, "the same exchanges as reading the truncated file flat out")
        // With --json the diagnostic is a line of the output.
        #expect(result.output.contains("file ends inside the record"), "the cut is reported: \(result.errors)")
    }

    @Test func realtimeNeedsACaptureFile() throws {
        for arguments in [["trace", "--realtime"], ["trace", "--realtime", "-"], ["trace", "--realtime", "--follow", capture.path]] {
            let result = try HarkBinary.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.errors.contains("--realtime needs a capture file"), "\(arguments): \(result.errors)")
        }
    }

    private func exchangeLines(in file: URL) -> [Substring] {
        ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0.contains("\"type\":\"exchange\"") }
    }

    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-realtime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
