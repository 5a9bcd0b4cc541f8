import Foundation
import HarkCapture
import HarkSession
import HarkStore
import HarkTestSupport
import HarkWeb

/// What the web tests share: stores filled from corpus captures, the `hark` binary, curl, the schema
/// validator and the browser driver.
enum WebTestSupport {
    /// A store filled from a whole capture, packets kept, as `hark web` fills it.
    static func filledStore(_ capture: URL, keylog: [String] = []) throws -> LiveStore {
        var storeConfiguration = StoreConfiguration()
        storeConfiguration.keepsPackets = true
        let store = LiveStore(configuration: storeConfiguration)
        var configuration = SessionConfiguration()
        configuration.keyLogPaths = keylog
        var observer = StoreObserver(store: store)
        _ = CaptureSession(reader: try CaptureReader(path: capture.path), configuration: configuration).run(observer: &observer)
        store.finish()
        return store
    }

    /// The `hark` executable built beside the test bundle.
    static var harkBinary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("hark")
    }

    /// Whether the built `hark` is there (`swift build` builds it with the tests).
    static var harkIsBuilt: Bool { FileManager.default.isExecutableFile(atPath: harkBinary.path) }

    /// Runs a program to its end; returns its status and standard output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The HTTP status curl gets for `url` with extra request headers (`Name: value`).
    static func status(_ url: String, headers: [String] = [], method: String = "GET") throws -> Int {
        var arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", method, "--max-time", "10"]
        for header in headers { arguments += ["-H", header] }
        arguments.append(url)
        return Int(try run("/usr/bin/curl", arguments).output) ?? -1
    }

    /// The schema of the timeline's JSON.
    static let schema = Fixtures.repositoryRoot.appendingPathComponent("Tests/Schemas/hark-timeline.schema.json")

    /// Validates `document` against one definition of the schema (`document`, `changes`, `detail`,
    /// `filterResult`); returns the violations (empty when valid).
    static func violations(_ document: [UInt8], definition: String) throws -> String {
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            wrapper = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/" + sys.argv[2]}
            errors = list(jsonschema.Draft202012Validator(wrapper).iter_errors(json.load(sys.stdin)))
            for error in errors: print("/".join(map(str, error.absolute_path)), error.message[:300], file=sys.stderr)
            sys.exit(1 if errors else 0)
            """
        let result = try HARValidator.run(["python3", "-c", script, schema.path, definition], stdin: document)
        return result.status == 0 ? "" : "status \(result.status): \(result.errors)"
    }

    /// Parses JSON into Foundation values.
    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] ?? [:]
    }

    /// The exchange ids of a document or update (its `id` column holds deltas).
    static func exchangeIDs(_ document: [String: Any]) -> [Int] {
        let deltas = (document["exchanges"] as? [String: Any])?["id"] as? [Int] ?? []
        var id = 0
        return deltas.map { delta in
            id += delta
            return id
        }
    }

    /// A text column of a document's exchanges, resolved through its `strings`.
    static func texts(_ document: [String: Any], column: String) -> [String?] {
        let strings = document["strings"] as? [String] ?? []
        let positions = (document["exchanges"] as? [String: Any])?[column] as? [Any] ?? []
        return positions.map { ($0 as? Int).flatMap { strings.indices.contains($0) ? strings[$0] : nil } }
    }

    /// A connection's packet times, absolute (the document holds deltas).
    static func packetTimes(_ connection: [String: Any]) -> [Int] {
        let packets = connection["packets"] as? [Any] ?? []
        var time = 0
        return stride(from: 0, to: packets.count, by: 7).map { index in
            time += packets[index] as? Int ?? 0
            return time
        }
    }

    // MARK: - Browser

    /// The script that drives headless Chromium through selenium.
    static let browserScript = Fixtures.repositoryRoot.appendingPathComponent("Scripts/timeline-browser")

    /// Whether Chromium, its driver and Debian's selenium (for /usr/bin/python3) are installed.
    static let browserIsAvailable: Bool = {
        let files = ["/usr/bin/chromium", "/usr/bin/chromedriver", "/usr/bin/python3"]
        guard files.allSatisfy({ FileManager.default.isExecutableFile(atPath: $0) }) else { return false }
        return (try? run("/usr/bin/python3", ["-c", "import selenium"]).status) == 0
    }()

    /// Opens `url` in headless Chromium and returns what the page showed (see Scripts/timeline-browser):
    /// after clicking an exchange's bar (`click`) or its waterfall row (`select`), with a details `tab`
    /// opened, the `har` it shows, the answers of its filter to the expressions in `filters`, or the
    /// details of the `connection` selected by its row label.
    static func browse(
        _ url: String, click: Int? = nil, select: Int? = nil, tab: String? = nil, har: Bool = false, filters: URL? = nil,
        connection: Int? = nil
    ) throws -> [String: Any] {
        var arguments = [browserScript.path, url]
        if let connection { arguments += ["--connection", String(connection)] }
        if let click { arguments += ["--click", String(click)] }
        if let select { arguments += ["--select", String(select)] }
        if let tab { arguments += ["--tab", tab] }
        if har { arguments.append("--har") }
        if let filters { arguments += ["--filters", filters.path] }
        let result = try run("/usr/bin/python3", arguments)
        guard result.status == 0 else { throw BrowserFailure(description: "timeline-browser exited with \(result.status)") }
        return try object(Array(result.output.utf8))
    }

    struct BrowserFailure: Error, CustomStringConvertible {
        var description: String
    }
}

/// A `hark web` process, stopped when done.
final class HarkWebProcess {
    let process = Process()
    /// The URL it printed.
    let url: String
    private let input: Pipe?

    /// Starts `hark web` with `arguments` and waits for its URL line. With `feedsStandardInput`, the
    /// capture is read from a pipe the caller writes to (`write`, then `closeInput`).
    init(arguments: [String], feedsStandardInput: Bool = false) throws {
        process.executableURL = WebTestSupport.harkBinary
        process.arguments = ["web"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        if feedsStandardInput {
            let pipe = Pipe()
            process.standardInput = pipe
            input = pipe
        } else {
            process.standardInput = FileHandle.nullDevice
            input = nil
        }
        try process.run()
        var line: [UInt8] = []
        let handle = output.fileHandleForReading
        while true {
            let byte = handle.readData(ofLength: 1)
            guard let first = byte.first else { break }
            if first == UInt8(ascii: "\n") { break }
            line.append(first)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let start = text.range(of: "http://") else {
            process.terminate()
            throw WebTestSupport.BrowserFailure(description: "hark web printed no URL: \(text)")
        }
        url = String(text[start.lowerBound...])
    }

    func write(_ bytes: [UInt8]) throws {
        try input?.fileHandleForWriting.write(contentsOf: Data(bytes))
    }

    func closeInput() throws {
        try input?.fileHandleForWriting.close()
    }

    /// `path` (starting with `/`) on the server, with the token.
    func url(_ path: String, _ query: String = "") -> String {
        let token = url.components(separatedBy: "token=").last ?? ""
        let base = url.components(separatedBy: "/?").first ?? url
        return "\(base)\(path)?token=\(token)\(query.isEmpty ? "" : "&" + query)"
    }

    deinit {
        // SIGKILL: the test runner's threads block SIGTERM, and a child inherits that mask.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
