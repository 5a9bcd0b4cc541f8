import Foundation
import HarkTestSupport
import Testing

/// Every command writes the same bytes, to standard output and standard error, with the same exit
/// status, whether one, two or three threads analyse connections (issue 18): on every corpus and
/// recorded capture (with its key log when it has one) and on damaged copies of some.
@Suite(.enabled(if: HarkBinary.url != nil, "needs the hark executable beside the tests"))
struct ThreadCountTests {
    /// The commands compared; each also runs with three threads when `threeThreads` is set.
    private static let commands: [(arguments: [String], threeThreads: Bool)] = [
        (["har"], true), (["har", "--no-bodies"], false), (["trace"], false), (["trace", "--json"], true),
        (["connections"], false), (["stats"], false), (["timeline", "--bodies"], false),
    ]

    @Test(arguments: Fixtures.allCapturePaths)
    func everyCommandWritesTheSameWhateverTheThreads(capture: String) throws {
        let url = URL(fileURLWithPath: capture)
        let keys = url.deletingPathExtension().appendingPathExtension("keys")
        let keyLog = FileManager.default.fileExists(atPath: keys.path) ? ["--keylog", keys.path] : []
        for command in Self.commands {
            let arguments = command.arguments + keyLog + [url.path]
            let one = try run(arguments, threads: 1)
            for threads in command.threeThreads ? [2, 3] : [2] {
                let many = try run(arguments, threads: threads)
                #expect(many == one, "\(arguments.joined(separator: " ")) with \(threads) threads")
            }
        }
    }

    @Test func damagedCapturesGiveTheSameOutputWhateverTheThreads() throws {
        var generator = SplitMix64(seed: 0x636c_6974)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-threads-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for capture in ["http1-browse-bro-org.pcap", "h2-tls13-youtube-dsb.pcapng", "tcp-1000-requests-one-dropped-response.pcap"] {
            let original = try Fixtures.bytes(Fixtures.corpus(capture))
            for variant in 0..<4 {
                let bytes = DamagedCapture.variant(variant, of: original, flipsPerVariant: 8, using: &generator)
                let path = directory.appendingPathComponent("\(variant)-\(capture)")
                try Data(bytes).write(to: path)
                for command in [["har"], ["trace", "--json"], ["connections"]] {
                    let one = try run(command + [path.path], threads: 1)
                    let two = try run(command + [path.path], threads: 2)
                    #expect(two == one, "\(command) on \(capture) variant \(variant)")
                }
            }
        }
    }

    /// `hark har` serialises entries on the analysing threads: with every output option (which the
    /// entries are serialised with) and a filter (applied after), the document is the one-thread one.
    @Test func harOptionsWriteTheSameWhateverTheThreads() throws {
        let variants = [
            ["--pretty"], ["--redact", "--redact-header", "User-Agent", "--max-body-size", "1kB"],
            ["--include-unpaired-responses", "--include-undecrypted"], ["--filter", "status>=300 or method==POST"],
        ]
        let captures = [
            "http1-browse-bro-org.pcap", "http1-chunked-gzip-msn.pcap", "websocket-jupyter.pcap",
            "tcp-1000-requests-one-dropped-response.pcap", "h2-tls13-youtube-dsb.pcapng",
        ].map(Fixtures.corpus) + [Fixtures.recorded("grpc-swift2-calls.pcap")]
        for url in captures {
            let keys = url.deletingPathExtension().appendingPathExtension("keys")
            let keyLog = FileManager.default.fileExists(atPath: keys.path) ? ["--keylog", keys.path] : []
            for variant in variants {
                let arguments = ["har"] + variant + keyLog + [url.path]
                let one = try run(arguments, threads: 1)
                #expect(!one.output.isEmpty, "\(arguments)")
                #expect(try run(arguments, threads: 2) == one, "\(arguments.joined(separator: " ")) with 2 threads")
            }
        }
    }

    /// A WebSocket joined mid-stream whose client has the lower port: reassembly takes it for the
    /// server, and the first masked frame, analysed on a worker, turns the roles round. TCP events
    /// reported after that (the FINs) name the corrected sides with any thread count.
    @Test func rolesCorrectedByAWorkerReachTheOutputAsWithOneThread() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-threads-ws-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // From the first WebSocket frame on: client 40492, server 51185 (editcap -r … 8-).
        let path = directory.appendingPathComponent("websocket-jupyter-cut.pcap")
        try Data(PcapCut.from(Fixtures.corpus("websocket-jupyter.pcap"), startingAt: 8)).write(to: path)
        let commands = [
            ["trace", "--json", "--tcp"], ["trace", "--tcp"], ["har"], ["connections"], ["stats"], ["timeline", "--bodies"],
        ]
        for command in commands {
            let one = try run(command + [path.path], threads: 1)
            for threads in [2, 3] {
                #expect(try run(command + [path.path], threads: threads) == one, "\(command) with \(threads) threads")
            }
        }
        // The swap did happen: the real server (51185) sends the first FIN, packet 11 of the cut copy.
        let trace = String(decoding: try run(["trace", "--json", "--tcp", path.path], threads: 2).output, as: UTF8.self)
        #expect(trace.contains(#""packet":11,"event":"fin","from":"server""#), "\(trace.prefix(600))")
        #expect(trace.contains(#""event":"close","connection":0"#) && trace.contains(#""client":"127.0.0.1:40492","server":"127.0.0.1:51185""#))
    }

    @Test(arguments: ["0", "65", "-1"])
    func threadCountsOutOfRangeAreRefused(threads: String) throws {
        let (status, _, errors) = try HarkBinary.run(["har", "--threads=\(threads)", Fixtures.corpus("http1-browse-bro-org.pcap").path])
        #expect(status != 0)
        #expect(errors.contains("--threads takes a number from 1 to 64"), "\(errors)")
    }

    /// What a run wrote: its exit status, standard output and standard error, byte for byte (a
    /// timeline's random nonce masked).
    private struct Outcome: Equatable {
        var status: Int32
        var output: [UInt8]
        var errors: [UInt8]
    }

    /// Runs `hark COMMAND --threads N REST…` for `arguments` = COMMAND REST…; a usage error (exit
    /// status 64, as for an option the command does not take) is an issue, not an outcome to compare.
    private func run(_ arguments: [String], threads: Int) throws -> Outcome {
        let directory = FileManager.default.temporaryDirectory
        let stamp = "hark-threads-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let output = directory.appendingPathComponent(stamp + ".out")
        let errors = directory.appendingPathComponent(stamp + ".err")
        defer { for file in [output, errors] { try? FileManager.default.removeItem(at: file) } }
        let process = try HarkBinary.start(
            Array(arguments.prefix(1)) + ["--threads", String(threads)] + arguments.dropFirst(), output: output, errors: errors
        )
        process.waitUntilExit()
        let errorBytes = [UInt8](try Data(contentsOf: errors))
        #expect(process.terminationStatus != 64, "\(arguments): \(String(decoding: errorBytes, as: UTF8.self))")
        return Outcome(
            status: process.terminationStatus,
            output: maskingNonces([UInt8](try Data(contentsOf: output))),
            errors: errorBytes
        )
    }

    /// `bytes` with the 64 hex digits after every `nonce-` or `nonce="` (a timeline page's, new on
    /// every run) given a fixed value.
    private func maskingNonces(_ bytes: [UInt8]) -> [UInt8] {
        let marker = Array("nonce".utf8)
        let separators = Array("-=\"".utf8)
        var result = bytes
        var index = 0
        while index + marker.count + 64 < result.count {
            defer { index += 1 }
            guard result[index..<(index + marker.count)].elementsEqual(marker) else { continue }
            var start = index + marker.count
            while start < result.count, separators.contains(result[start]) { start += 1 }
            guard start + 64 <= result.count else { continue }
            let hex = result[start..<(start + 64)]
            guard hex.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) })
            else { continue }
            result.replaceSubrange(start..<(start + 64), with: repeatElement(UInt8(ascii: "0"), count: 64))
        }
        return result
    }
}
