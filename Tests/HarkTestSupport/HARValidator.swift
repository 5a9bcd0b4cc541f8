public import Foundation

/// Runs `Scripts/validate-har` (python3 + jsonschema against `Tests/Schemas/har-1.2.schema.json`).
public enum HARValidator {
    /// The validator script.
    public static let script = Fixtures.repositoryRoot.appendingPathComponent("Scripts/validate-har")

    /// Whether `python3` can import `jsonschema` here; CI installs it, a bare machine may not have it.
    public static let isAvailable: Bool = (try? run(["python3", "-c", "import jsonschema"]).status) == 0

    /// Validates a HAR document; status 0 means valid, and `errors` lists each violation otherwise.
    public static func validate(_ document: [UInt8]) throws -> (status: Int32, errors: String) {
        try run(["python3", script.path, "-"], stdin: document)
    }

    /// Runs a command with `stdin` as standard input; returns its exit status and standard error.
    public static func run(_ arguments: [String], stdin: [UInt8] = []) throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let writer = Thread {
            try? input.fileHandleForWriting.write(contentsOf: Data(stdin))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, errorText)
    }
}
