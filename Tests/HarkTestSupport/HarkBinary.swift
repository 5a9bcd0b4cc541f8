public import Foundation
import Glibc

/// The `hark` executable of this build, for tests that run the command line as a user does: it sits
/// beside the test bundle in the build directory (`swift build --build-tests` builds it too).
public enum HarkBinary {
    /// The executable; nil when this build has none (then tests skip, saying so).
    public static let url: URL? = {
        let testExecutable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testExecutable.deletingLastPathComponent()
        // The test binary lives inside harkPackageTests.xctest on some layouts.
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("hark")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }()

    /// Runs hark (or `executable`, say `setpriv` wrapping hark) to completion with `arguments`; returns
    /// its exit status, standard output and error.
    public static func run(_ arguments: [String], executable: URL? = url) throws -> (status: Int32, output: String, errors: String) {
        guard let executable else { throw ToolProcess.Failure(description: "no hark executable beside the tests") }
        let directory = FileManager.default.temporaryDirectory
        let stamp = "hark-run-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let output = directory.appendingPathComponent(stamp + ".out")
        let errors = directory.appendingPathComponent(stamp + ".err")
        defer { for file in [output, errors] { try? FileManager.default.removeItem(at: file) } }
        let process = try start(arguments, output: output, errors: errors, executable: executable)
        process.waitUntilExit()
        return (
            process.terminationStatus,
            (try? String(contentsOf: output, encoding: .utf8)) ?? "",
            (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        )
    }

    /// GNU time, which measures a command's peak memory (Debian's `time`; `.ci/run` installs it).
    public static let time: URL? = FileManager.default.isExecutableFile(atPath: "/usr/bin/time") ? URL(fileURLWithPath: "/usr/bin/time") : nil

    /// Runs hark to completion with `arguments` under GNU time and returns its exit status and its
    /// peak resident memory in KiB. Not `wait4` on a child of the test process: a child spawned from
    /// it counts the test process's own peak, which `exec` carries over, so a small process starts hark.
    public static func peakMemory(_ arguments: [String]) throws -> (status: Int32, kilobytes: Int) {
        guard let url, let time else { throw ToolProcess.Failure(description: "no hark executable or no /usr/bin/time") }
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("hark-peak-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: report) }
        let (status, _, errors) = try run(["-f", "%M", "-o", report.path, url.path] + arguments, executable: time)
        let written = try String(contentsOf: report, encoding: .utf8)
        guard let kilobytes = written.split(separator: "\n").last.flatMap({ Int($0) }) else {
            throw ToolProcess.Failure(description: "time wrote \(written), hark said \(errors)")
        }
        return (status, kilobytes)
    }

    /// Starts hark in the background, standard output and error going to the two files, standard
    /// input from `input` (a `Pipe` the test writes to), else `/dev/null`.
    public static func start(_ arguments: [String], output: URL, errors: URL, input: Pipe? = nil, executable: URL? = url) throws -> Process {
        guard let executable else { throw ToolProcess.Failure(description: "no hark executable beside the tests") }
        for file in [output, errors] { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = input ?? FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        return process
    }

    /// Ends a live hark as Ctrl-C does (SIGINT) and waits for it, at most `timeout` seconds; kills it
    /// after that. Returns its exit status.
    @discardableResult
    public static func interrupt(_ process: Process, timeout: Double = 20) -> Int32 {
        Glibc.kill(process.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        ToolProcess.kill(process)
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// TCP ports nothing listens on, taken from the kernel (bind port 0), never fixed numbers.
public enum FreePort {
    /// A loopback port that was free a moment ago.
    public static func next() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return 0 }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : 0
    }
}
