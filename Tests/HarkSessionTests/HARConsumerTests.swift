import Foundation
import HarkTestSupport
import Testing

/// Issue 15: every corpus HAR, as `hark har` writes it, loads in the six HAR consumers the issue names
/// (`Scripts/check-har-consumers`: mitmproxy's loader behind `mitmdump -nr`, haralyzer, hario-core,
/// har2case, har2requests, whose script must compile, and har2postman), all files in one python
/// process; refusals that are a consumer's own documented limitation, checked against the file, are
/// tolerated and listed. `.ci/run` installs the consumers.
struct HARConsumerTests {
    static let consumers = ["mitmproxy", "haralyzer", "hario-core", "har2case", "har2requests", "har2postman"]
    static let consumersInstalled = (try? HARValidator.run([
        "python3", "-c", "import mitmproxy.io, haralyzer, hario_core, har2case.core, har2requests, har2postman.har2postman",
    ]).status) == 0
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
        .enabled(if: consumersInstalled, "python3 cannot import the six HAR consumers (.ci/run installs them from PyPI)"),
        arguments: [[], ["--include-undecrypted", "--include-unpaired-responses"]]
    )
    func everyCorpusHARLoadsInEveryConsumer(options: [String]) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-consumers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let paths = try Self.writeCorpusHARs(to: directory, options: options)
        try #require(!paths.isEmpty, "the corpus is in ../shared/corpus")
        let result = try HARValidator.run(
            ["python3", Self.script.path] + Self.consumers.flatMap { ["--require", $0] } + paths
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
