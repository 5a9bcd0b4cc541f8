public import Foundation

/// Locates test inputs: the corpus captures copied into the repository, and the larger or unlicensed
/// ones that only `../shared` holds (tests using those skip with a message when it is absent).
public enum Fixtures {
    /// The repository root, found from this file's path.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // HarkTestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// `Tests/Fixtures`, the captures and oracles shipped with the repository.
    public static let directory = repositoryRoot.appendingPathComponent("Tests/Fixtures")

    /// `Tests/Fixtures/corpus`: licensed captures from `../shared/corpus`, with their tshark oracles.
    public static let corpusDirectory = directory.appendingPathComponent("corpus")

    /// `Tests/Fixtures/recorded`: captures recorded here by scripts in `Scripts/` (see the README there).
    public static let recordedDirectory = directory.appendingPathComponent("recorded")

    /// A file in `Tests/Fixtures/recorded`.
    public static func recorded(_ name: String) -> URL {
        recordedDirectory.appendingPathComponent(name)
    }

    /// `../shared/corpus` beside the repository, or nil when this checkout has none.
    public static var sharedCorpusDirectory: URL? {
        let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// A file in `Tests/Fixtures/corpus`.
    public static func corpus(_ name: String) -> URL {
        corpusDirectory.appendingPathComponent(name)
    }

    /// The names of every capture (`.pcap`, `.pcapng`) in the repository's corpus copy, sorted.
    public static var corpusCaptures: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpusDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()
    }

    /// Every capture of the corpus and of the recorded fixtures (QUIC/HTTP/3, gRPC), as paths.
    public static var allCapturePaths: [String] {
        let recorded = (try? FileManager.default.contentsOfDirectory(atPath: recordedDirectory.path)) ?? []
        return corpusCaptures.map { corpus($0).path }
            + recorded.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted().map { self.recorded($0).path }
    }

    /// Reads a whole fixture into memory (fine for test-sized files).
    public static func bytes(_ url: URL) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url))
    }
}
