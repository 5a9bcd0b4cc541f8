import Foundation
import HarkFuzzTargets
import HarkTLS
import HarkTestSupport
import Testing

/// The CI part of fuzzing: every committed input (`Fuzz/corpus/TARGET`, minimised from the campaigns
/// by `Scripts/fuzz keep`, and `Fuzz/regressions/TARGET`, what the fuzzer once found) runs through its
/// target in the normal test build. The instrumented build libFuzzer needs takes too long for CI (31
/// minutes here), so the campaigns run on a developer's machine (`Scripts/fuzz TARGET SECONDS`) and CI
/// replays what they kept: a crash or hang on any of these inputs fails the test run.
@Suite struct FuzzCorpusReplayTests {
    private static let fuzz = Fixtures.repositoryRoot.appendingPathComponent("Fuzz")

    private static func inputs(_ target: FuzzTarget) -> [URL] {
        ["corpus", "regressions"].flatMap { folder -> [URL] in
            let directory = fuzz.appendingPathComponent("\(folder)/\(target.rawValue)")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return names.sorted().map { directory.appendingPathComponent($0) }
        }
    }

    /// The key log the `tls` target decrypts with, as `Scripts/fuzz` sets it.
    private static func keyLog() throws -> TLSKeyLog {
        let keyLog = TLSKeyLog()
        keyLog.add(try Fixtures.bytes(Fixtures.corpus("tls12-http1-heise-keylog.keys")), source: "keys")
        return keyLog
    }

    @Test(arguments: FuzzTarget.allCases)
    func everyCommittedInputRunsThroughItsTarget(_ target: FuzzTarget) throws {
        let files = Self.inputs(target)
        #expect(files.count >= 10, "\(target): \(files.count) committed inputs; run Scripts/fuzz \(target) and Scripts/fuzz keep \(target)")
        let keyLog = try Self.keyLog()
        var work = 0
        for file in files {
            let bytes = try Fixtures.bytes(file)
            work += bytes.withUnsafeBufferPointer { target.run($0, keyLog: keyLog) }
        }
        // The inputs reach the parser's output (exchanges, messages, records, decoded bytes), not only
        // its first check.
        #expect(work > 0, "\(target): \(files.count) inputs reported nothing")
    }
}
