import Foundation
import Glibc
import HarkTestSupport
import Testing

/// `hark trace -` and `hark trace --follow FILE` while their input arrives in pieces (issue 15, item
/// 17): lines in order of their time, each held until the input's clock is 2 s past it, and that clock
/// runs on while the input is quiet, so the last exchange shows about 2 s after its time, not at the end
/// of the input.
@Suite(.enabled(if: HarkBinary.url != nil, "needs the hark executable"))
struct StreamingTraceOrderTests {
    /// Its last exchange, `POST /admin/fish-and-chips/edit/2` at 51.847 s, is answered 87 ms before the
    /// capture's last packet.
    static let capture = "http1-mixed-app-traffic.pcap"
    /// Bytes of the last record kept back until the end: the input stays quiet in the middle of a record.
    static let keptBack = 10

    /// The JSON lines of a trace, in output order.
    private static func objects(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    private static func exchangeLines(_ output: String) -> [Substring] {
        output.split(separator: "\n").filter { $0.contains("\"type\":\"exchange\"") }
    }

    private static func showsLastExchange(_ output: URL) -> Bool {
        ((try? String(contentsOf: output, encoding: .utf8)) ?? "").contains("/admin/fish-and-chips/edit/2")
    }

    /// Checks a finished run's output: every exchange of the file, and times going backwards only at
    /// lines the 2 s window lets through late: exchanges that ended more than 2 s after their time.
    private static func checkFinished(_ output: URL, against expected: String) throws {
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(exchangeLines(text).sorted() == exchangeLines(expected).sorted(), "the same exchanges as reading the file")
        var latest = ""
        var timed = 0
        for object in try objects(text) {
            guard let time = object["time"] as? String else { continue }  // ISO 8601 µs, sortable as text
            timed += 1
            if time < latest {
                // In this capture: the undecrypted TLS connection open from the first packet to the end.
                let slow = object["complete"] as? Bool == false || (object["latency_ms"] as? Double ?? 0) > 2_000
                #expect(object["type"] as? String == "exchange" && slow, "\(time) after \(latest): \(object)")
            }
            latest = max(latest, time)
        }
        #expect(timed >= 20)
    }

    private static func waitUntil(timeout: Double, _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition(), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    }

    /// The capture cut into pieces of 1–6,000 bytes (split points inside records too).
    private static func pieces(_ bytes: Data) -> [Data] {
        var generator = SplitMix64(seed: 0x7069_7065)
        var pieces: [Data] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + Int.random(in: 1...6_000, using: &generator))
            pieces.append(bytes.subdata(in: offset..<end))
            offset = end
        }
        return pieces
    }

    @Test func aPipeFedInPiecesIsInTimeOrderAndShowsItsLastExchangeWhileQuiet() throws {
        let url = Fixtures.corpus(Self.capture)
        let bytes = try Data(contentsOf: url)
        let expected = try HarkBinary.run(["trace", "--json", url.path])
        try #require(expected.status == 0 && Self.exchangeLines(expected.output).count > 20)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-pipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("trace.out")
        let input = Pipe()
        let trace = try HarkBinary.start(["trace", "--json", "-"], output: output, errors: directory.appendingPathComponent("trace.err"), input: input)
        defer { ToolProcess.kill(trace) }

        for piece in Self.pieces(bytes.dropLast(Self.keptBack)) {
            input.fileHandleForWriting.write(piece)
            Thread.sleep(forTimeInterval: 0.02)
        }
        let fed = Date()
        Self.waitUntil(timeout: 15) { Self.showsLastExchange(output) }
        let waited = Date().timeIntervalSince(fed)
        #expect(Self.showsLastExchange(output), "the last exchange is shown before the input ends")
        #expect(trace.isRunning)
        // Held until the clock is 2 s past its time (87 ms before the latest packet): about 1.9 s of
        // quiet, looked at every 0.25 s. The upper bound leaves room for a loaded machine.
        #expect(waited > 1.5 && waited < 6, "shown \(waited) s after the input went quiet")

        input.fileHandleForWriting.write(bytes.suffix(Self.keptBack))
        try input.fileHandleForWriting.close()
        trace.waitUntilExit()
        #expect(trace.terminationStatus == 0)
        try Self.checkFinished(output, against: expected.output)
    }

    @Test func aFollowedFileIsInTimeOrderAndShowsItsLastExchangeWhileQuiet() throws {
        let url = Fixtures.corpus(Self.capture)
        let bytes = try Data(contentsOf: url)
        let expected = try HarkBinary.run(["trace", "--json", url.path])
        try #require(expected.status == 0)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-follow-order-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let growing = directory.appendingPathComponent("growing.pcap")
        let pieces = Self.pieces(bytes.dropLast(Self.keptBack))
        try pieces.prefix(pieces.count / 3).reduce(Data(), +).write(to: growing)
        let output = directory.appendingPathComponent("trace.out")
        let trace = try HarkBinary.start(["trace", "--json", "--follow", growing.path], output: output, errors: directory.appendingPathComponent("trace.err"))
        defer { ToolProcess.kill(trace) }

        let handle = try FileHandle(forWritingTo: growing)
        handle.seekToEndOfFile()
        for piece in pieces.dropFirst(pieces.count / 3) {
            handle.write(piece)
            Thread.sleep(forTimeInterval: 0.02)
        }
        let appended = Date()
        Self.waitUntil(timeout: 15) { Self.showsLastExchange(output) }
        let waited = Date().timeIntervalSince(appended)
        #expect(Self.showsLastExchange(output), "the last exchange is shown while the file is followed")
        #expect(waited > 1.5 && waited < 6, "shown \(waited) s after the file stopped growing")

        handle.write(bytes.suffix(Self.keptBack))
        try handle.close()
        Thread.sleep(forTimeInterval: 0.5)  // read before Ctrl-C: a followed file ends where it was read to
        #expect(trace.isRunning)
        #expect(HarkBinary.interrupt(trace) == 0)
        try Self.checkFinished(output, against: expected.output)
    }
}
