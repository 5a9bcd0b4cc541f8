import Foundation
import HarkTestSupport
import Testing

/// Help that teaches (issue 15, item 20): every command's help has examples, and those that read a
/// capture run as written on a shipped one; `hark help filter` documents every field; argument
/// mistakes get one line; sizes take units; a terminal on standard input is refused with advice.
@Suite(.enabled(if: HarkBinary.url != nil, "needs the hark executable beside the tests"))
struct HelpTests {
    static let commands = ["har", "trace", "stats", "connections", "web", "timeline", "tui", "filter"]

    /// The example lines of a help text: the indented `hark …` lines (and pipelines into hark) after
    /// `Examples:`, without their `(comment)`.
    static func examples(in help: String) -> [String] {
        guard let start = help.range(of: "Examples:\n") else { return [] }
        var lines: [String] = []
        for line in help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("  "), line.contains("hark ") else { break }
            var example = line.trimmingCharacters(in: .whitespaces)
            if let comment = example.range(of: "   (") { example = String(example[..<comment.lowerBound]) }
            lines.append(example.trimmingCharacters(in: .whitespaces))
        }
        return lines
    }

    /// Whether an example can run here: it reads `capture.pcap`, and is not a server or terminal UI.
    static func runsOnACapture(_ example: String) -> Bool {
        example.hasPrefix("hark ") && example.contains(" capture.pcap") && !example.hasPrefix("hark web")
            && !example.hasPrefix("hark tui")
    }

    @Test(arguments: commands)
    func helpHasExamples(command: String) throws {
        let (status, help, _) = try HarkBinary.run(["help", command])
        #expect(status == 0)
        let examples = Self.examples(in: help)
        #expect(examples.count >= 2, "\(command): \(help)")
        // Each example fits on its line (a wrapped one would end the block early): a blank line follows.
        let block = help.components(separatedBy: "Examples:\n").last?.components(separatedBy: "\n") ?? []
        #expect(block.count > examples.count && block[examples.count].isEmpty, "\(command): an example is wrapped")
        #expect(examples.contains { $0.contains("capture.pcap") }, "\(command) has no example on a capture file")
    }

    /// Runs each example as written, through the shell, in a directory holding a shipped capture as
    /// `capture.pcap`, with this build's hark first on PATH.
    @Test(arguments: commands)
    func examplesRunOnAShippedCapture(command: String) throws {
        let hark = try #require(HarkBinary.url)
        let (_, help, _) = try HarkBinary.run(["help", command])
        let runnable = Self.examples(in: help).filter(Self.runsOnACapture)
        guard !runnable.isEmpty else { return }  // web and tui: a server and a terminal UI (checked by their own suites)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-examples-\(getpid())-\(command)")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(
            at: Fixtures.corpus("http1-mixed-app-traffic.pcap"), to: directory.appendingPathComponent("capture.pcap")
        )
        let path = hark.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        for example in runnable {
            let (status, output, errors) = try HarkBinary.run(
                ["-c", "cd '\(directory.path)' && PATH='\(path)' " + example], executable: URL(fileURLWithPath: "/bin/sh")
            )
            #expect(status == 0, "\(example): \(errors)")
            let written = example.split(separator: " ").drop { $0 != "-o" }.dropFirst().first.map {
                (try? Data(contentsOf: directory.appendingPathComponent(String($0))))?.count ?? 0
            }
            #expect(!output.isEmpty || (written ?? 0) > 0, "\(example) wrote nothing")
        }
    }

    @Test func filterGuideNamesEveryField() throws {
        let capture = Fixtures.corpus("http1-browse-bro-org.pcap").path
        let (status, _, errors) = try HarkBinary.run(["trace", "--filter", "bogus=1", capture])
        #expect(status != 0)
        let hint = try #require(errors.split(separator: "\n").first { $0.hasPrefix("hint: fields: ") })
        let fields = hint.dropFirst("hint: fields: ".count).components(separatedBy: ", ")
        #expect(fields.count > 15)
        let (_, guide, _) = try HarkBinary.run(["help", "filter"])
        for field in fields {
            let name = field.replacingOccurrences(of: ".NAME", with: "")
            #expect(guide.contains(name), "hark help filter does not explain \(field)")
        }
        let (plainStatus, plain, _) = try HarkBinary.run(["filter"])
        #expect(plainStatus == 0)
        #expect(plain.trimmingCharacters(in: .whitespacesAndNewlines) == guide.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test(arguments: [
        (["trace", "--bogus"], "Error: Unknown option '--bogus'. Did you mean '--bodies'?\n"),
        (["trace", "--max-body-size", "lots", "x.pcap"], "Error: The value 'lots' is invalid for '--max-body-size <max-body-size>'\n"),
        (["har", "--filter", "status>", "x.pcap"], nil),
    ] as [([String], String?)])
    func argumentErrorsComeWithoutUsageLines(arguments: [String], expected: String?) throws {
        let (status, output, errors) = try HarkBinary.run(arguments)
        #expect(status == 64)
        #expect(output.isEmpty)
        #expect(errors.hasPrefix("Error: "))
        #expect(!errors.contains("Usage:") && !errors.contains("--help' for more"), "\(errors)")
        if let expected { #expect(errors == expected) }
    }

    @Test func sizesTakeUnits() throws {
        let capture = Fixtures.corpus("http1-chunked-gzip-msn.pcap").path
        let (status, kilo, _) = try HarkBinary.run(["trace", "--bodies", "--max-body-size", "1kB", capture])
        let (_, bytes, _) = try HarkBinary.run(["trace", "--bodies", "--max-body-size", "1000", capture])
        #expect(status == 0)
        #expect(kilo == bytes)
        #expect(kilo.contains("[… cut after 1.0 kB; the body has 85.4 kB]"), "\(kilo.prefix(2000))")
        let (_, kibi, _) = try HarkBinary.run(["trace", "--bodies", "--max-body-size", "1KiB", capture])
        #expect(kibi != kilo)
    }

    /// `hark trace` with nothing to read but a terminal says what to do instead of waiting (run under
    /// script(1), which gives it a terminal).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1) for a terminal"))
    func terminalOnStandardInputIsRefused() throws {
        let hark = try #require(HarkBinary.url)
        let (status, output, _) = try HarkBinary.run(
            ["20", "/usr/bin/script", "-q", "-e", "-c", "'\(hark.path)' trace", "/dev/null"],
            executable: URL(fileURLWithPath: "/usr/bin/timeout")
        )
        #expect(status == 64, "\(output)")
        #expect(output.contains("standard input is a terminal"), "\(output)")
        #expect(output.contains("tcpdump -U -w - | hark trace -"))
    }
}
