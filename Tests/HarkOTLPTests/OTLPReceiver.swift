import Foundation
import HarkTestSupport

/// `Tests/Fixtures/otlp/receiver.py` on a free loopback port: an OTLP/HTTP endpoint that decodes each
/// request with the official opentelemetry-proto classes and keeps it as a JSON line.
final class OTLPReceiver {
    /// Whether python3 can import the opentelemetry-proto classes (`.ci/run` installs them).
    static let isAvailable: Bool = {
        guard let python = ToolProcess.locate("python3") else { return false }
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", "import opentelemetry.proto.collector.trace.v1.trace_service_pb2"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// Whether the end-to-end tests can run: the receiver and the hark executable.
    static let canRunHark = isAvailable && HarkBinary.url != nil

    static let script = Fixtures.directory.appendingPathComponent("otlp/receiver.py")
    static let decoder = Fixtures.directory.appendingPathComponent("otlp/decode.py")

    let port: Int
    private let process: Process
    private let records: URL
    private let log: URL

    /// Starts a receiver; `arguments` are the script's options (`--fail 2 503 1`, `--delay 2`).
    init(_ arguments: [String] = []) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        records = directory.appendingPathComponent("records.jsonl")
        log = directory.appendingPathComponent("receiver.log")
        port = FreePort.next()
        process = try ToolProcess.launch("python3", [Self.script.path, String(port), records.path] + arguments, log: log, waitFor: "listening")
    }

    deinit {
        ToolProcess.kill(process)
    }

    /// The URL to give `--otlp`.
    var url: String { "http://127.0.0.1:\(port)" }

    /// Every request received so far, decoded: `path`, `encoding`, `content_type`, `headers`, `body`.
    func requests() -> [[String: Any]] {
        let text = (try? String(contentsOf: records, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    /// The spans of every `/v1/traces` request, each with its resource's `service.name` under `service`.
    func spans() -> [[String: Any]] {
        requests().filter { $0["path"] as? String == "/v1/traces" }.flatMap { request -> [[String: Any]] in
            let resourceSpans = (request["body"] as? [String: Any])?["resourceSpans"] as? [[String: Any]] ?? []
            return resourceSpans.flatMap { group -> [[String: Any]] in
                let service = OTLPJSON.attributes((group["resource"] as? [String: Any])?["attributes"])["service.name"] as? String
                let scopes = group["scopeSpans"] as? [[String: Any]] ?? []
                return scopes.flatMap { ($0["spans"] as? [[String: Any]]) ?? [] }.map { span in
                    var span = span
                    span["service"] = service
                    return span
                }
            }
        }
    }

    /// The metrics of the last `/v1/metrics` request (cumulative, so the last has everything), by name,
    /// each data point's attributes flattened, with its resource's `service.name` under `service`.
    func lastMetrics() -> [String: [[String: Any]]] {
        guard let request = requests().last(where: { $0["path"] as? String == "/v1/metrics" }) else { return [:] }
        var metrics: [String: [[String: Any]]] = [:]
        let resourceMetrics = (request["body"] as? [String: Any])?["resourceMetrics"] as? [[String: Any]] ?? []
        for group in resourceMetrics {
            let service = OTLPJSON.attributes((group["resource"] as? [String: Any])?["attributes"])["service.name"] as? String
            for scope in group["scopeMetrics"] as? [[String: Any]] ?? [] {
                for metric in scope["metrics"] as? [[String: Any]] ?? [] {
                    guard let name = metric["name"] as? String else { continue }
                    let data = (metric["sum"] ?? metric["histogram"]) as? [String: Any]
                    for point in data?["dataPoints"] as? [[String: Any]] ?? [] {
                        var flat = OTLPJSON.attributes(point["attributes"])
                        flat["service"] = service
                        flat["asInt"] = point["asInt"]
                        flat["count"] = point["count"]
                        metrics[name, default: []].append(flat)
                    }
                }
            }
        }
        return metrics
    }
}

/// Reading protobuf JSON (`MessageToDict`): 64-bit integers are strings, attributes are key/value lists.
enum OTLPJSON {
    /// `[{key, value: {stringValue|intValue|boolValue|doubleValue}}]` as a dictionary (ints as Int64).
    static func attributes(_ list: Any?) -> [String: Any] {
        var result: [String: Any] = [:]
        for entry in list as? [[String: Any]] ?? [] {
            guard let key = entry["key"] as? String, let value = entry["value"] as? [String: Any] else { continue }
            if let text = value["stringValue"] as? String {
                result[key] = text
            } else if let number = value["intValue"] as? String {
                result[key] = Int64(number)
            } else if let flag = value["boolValue"] as? Bool {
                result[key] = flag
            } else if let number = value["doubleValue"] as? Double {
                result[key] = number
            }
        }
        return result
    }

    /// A `fixed64`/`int64` written as a JSON string.
    static func int64(_ value: Any?) -> Int64? {
        (value as? String).flatMap { Int64($0) } ?? (value as? NSNumber)?.int64Value
    }
}
