public import Foundation
import Glibc

/// Finds, starts and stops the external tools that loopback recordings drive (nginx, tcpdump, curl,
/// openssl). Output always goes to a file: a pipe nobody reads could fill up and stall the tool.
public enum ToolProcess {
    /// Directories searched after `PATH`: nginx lives in `/usr/sbin`, which a test runner's `PATH` may lack.
    public static let fallbackDirectories = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    /// The executable called `name`, from `PATH` or the usual system directories (or `name` itself
    /// when it is a path); nil when absent.
    public static func locate(_ name: String) -> URL? {
        if name.contains("/") {
            return FileManager.default.isExecutableFile(atPath: name) ? URL(fileURLWithPath: name) : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + fallbackDirectories
        for directory in directories where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// A tool that could not be found, did not start, or failed.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs a tool to completion (standard input reading `/dev/null`, standard output and error in
    /// `log`, `environment` added to this process's); returns its exit status and that output.
    public static func run(
        _ tool: String,
        _ arguments: [String],
        log: URL,
        environment: [String: String] = [:]
    ) throws -> (status: Int32, output: String) {
        let process = try start(tool, arguments, log: log, environment: environment)
        process.waitUntilExit()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return (process.terminationStatus, output)
    }

    /// Starts a tool in the background with its standard output and error in `log`, and standard input
    /// reading `/dev/null`.
    public static func start(
        _ tool: String,
        _ arguments: [String],
        log: URL,
        environment: [String: String] = [:]
    ) throws -> Process {
        guard let executable = locate(tool) else { throw Failure(description: "\(tool) is not installed") }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        try process.run()
        return process
    }

    /// Starts a tool in the background (as `start`) and waits until its output shows `marker` (as
    /// `waitFor`): a server ready to accept, tcpdump listening.
    public static func launch(_ tool: String, _ arguments: [String], log: URL, waitFor marker: String) throws -> Process {
        let process = try start(tool, arguments, log: log)
        do {
            try waitFor(marker, in: log, of: process)
        } catch {
            kill(process)
            throw error
        }
        return process
    }

    /// Waits (at most `timeout` seconds) until `log` contains `marker`; throws with the log's text if the
    /// tool exits or the time runs out first.
    public static func waitFor(_ marker: String, in log: URL, of process: Process, timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var seen = ""
        while Date() < deadline {
            seen = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if seen.contains(marker) { return }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw Failure(description: "\(log.lastPathComponent): no \"\(marker)\" in: \(seen)")
    }

    /// Waits (at most `timeout` seconds) until something accepts TCP connections on 127.0.0.1:`port`;
    /// throws with the log's text if `process` exits or the time runs out first.
    public static func waitForListener(on port: Int, log: URL, of process: Process, timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, process.isRunning {
            if acceptsConnections(port: port) { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let seen = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw Failure(description: "nothing listens on 127.0.0.1:\(port); \(log.lastPathComponent): \(seen)")
    }

    /// Stops a tcpdump that writes `capture` once the capture is complete: with `-U` every packet is
    /// written as it comes, so this waits until the file has not grown for `quiet` seconds (at most
    /// `quiet` + 5 s; on a loaded machine tcpdump lags behind the traffic), then kills it.
    ///
    /// - Parameter quiet: 0.3 s by default. tcpdump reading an NFLOG group gets its packets as the
    ///   kernel's defaults batch them (100 packets, or after one second): give it 1.5 s there.
    public static func stopCapture(_ tcpdump: Process, writing capture: URL, quiet: TimeInterval = 0.3) {
        func size() -> Int { (try? FileManager.default.attributesOfItem(atPath: capture.path)[.size] as? Int) ?? 0 }
        var last = size()
        var stableSince = Date()
        let deadline = Date().addingTimeInterval(quiet + 5)
        while Date() < deadline, Date().timeIntervalSince(stableSince) < quiet {
            Thread.sleep(forTimeInterval: 0.05)
            let now = size()
            if now != last {
                last = now
                stableSince = Date()
            }
        }
        kill(tcpdump)
    }

    /// Stops a tool with SIGKILL and reaps it. SIGKILL because the test runner may leave SIGINT and
    /// SIGTERM ignored, and children inherit that.
    public static func kill(_ process: Process) {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Whether a TCP connection to 127.0.0.1:`port` succeeds (it is closed at once).
    public static func acceptsConnections(port: Int) -> Bool {
        guard let portNumber = UInt16(exactly: port) else { return false }
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { return false }
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = portNumber.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return status == 0
    }
}

/// What tshark printed, as `ToolProcess.run` returns it (standard output and error together).
public enum TsharkOutput {
    /// The output's lines without tshark's warning about running as root.
    public static func lines(_ output: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("Running as user \"root\"") }
    }
}
