import Foundation
import HarkTestSupport
import Testing

/// Issue 15: every corpus HAR, as `hark har` writes it, loads in other tools' HAR readers
/// (`Scripts/check-har-consumers`: mitmproxy's loader behind `mitmdump -nr`, haralyzer, and
/// hario-core when installed), all files in one python process. `.ci/run` installs the readers.
struct HARConsumerTests {
    static let consumersInstalled = (try? HARValidator.run(["python3", "-c", "import mitmproxy.io, haralyzer"]).status) == 0
    static let script = Fixtures.repositoryRoot.appendingPathComponent("Scripts/check-har-consumers")

    /// Writes the HAR of every corpus capture into `directory` with `options`; returns the paths.
    static func writeCorpusHARs(to directory: URL, options: [String]) throws -> [String] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var paths: [String] = []
        for capture in Fixtures.corpusCaptures {
            let input = Fixtures.corpus(capture)
            let keys = input.deletingPathExtension().appendingPathExtension("keys")
            let keyLog = FileManager.default.fileExists(atPath: keys.path) ? ["--keylog", keys.path] : []
            let output = directory.appendingPathComponent(input.deletingPathExtension().lastPathComponent + ".har").path
            let run = try HarkBinary.run(["har"] + options + keyLog + [input.path, "-o", output])
            #expect(run.status == 0, "\(capture): \(run.errors)")
            paths.append(output)
        }
        return paths
    }

    @Test(
        .enabled(if: HarkBinary.url != nil, "no hark executable beside the tests (swift build --build-tests builds it)"),
        .enabled(if: consumersInstalled, "python3 cannot import mitmproxy and haralyzer (.ci/run installs them from PyPI)"),
        arguments: [[], ["--include-undecrypted", "--include-unpaired-responses"]]
    )
    func everyCorpusHARLoadsInEveryConsumer(options: [String]) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-consumers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let paths = try Self.writeCorpusHARs(to: directory, options: options)
        try #require(!paths.isEmpty, "the corpus is in ../shared/corpus")
        let result = try HARValidator.run(
            ["python3", Self.script.path, "--require", "mitmproxy", "--require", "haralyzer"] + paths
        )
        #expect(result.status == 0, "\(result.errors)")
    }

    @Test(.enabled(if: HarkBinary.url != nil, "no hark executable beside the tests (swift build --build-tests builds it)"))
    func leftOutResponsesAreCountedOnStandardError() throws {
        let capture = Fixtures.corpus("link-pcapng-multi-interface-eth-sll.pcapng").path
        let run = try HarkBinary.run(["har", capture, "-o", "/dev/null"])
        #expect(run.status == 0)
        #expect(run.errors.contains("hark: 1 response(s) whose request was not captured left out of the HAR"), "\(run.errors)")
        let included = try HarkBinary.run(["har", "--include-unpaired-responses", capture, "-o", "/dev/null"])
        #expect(!included.errors.contains("left out"), "\(included.errors)")
    }
}
