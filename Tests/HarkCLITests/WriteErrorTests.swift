import Foundation
import HarkTestSupport
import Testing

/// A write that fails prints the system's message, the same way in every command (issue 15, item 10).
@Suite(.enabled(if: HarkBinary.url != nil, "needs the hark executable beside the tests"))
struct WriteErrorTests {
    /// Runs hark with standard output going to `/dev/full` (every write fails with ENOSPC).
    private func runIntoFullDevice(_ arguments: [String]) throws -> (status: Int32, errors: String) {
        let hark = try #require(HarkBinary.url)
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("hark-full-\(getpid())-\(arguments[0]).err")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let process = Process()
        process.executableURL = hark
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: errors, encoding: .utf8)) ?? "")
    }

    @Test(arguments: [["trace"], ["har"], ["stats"], ["connections"]])
    func fullDiskIsSaidInWords(command: [String]) throws {
        let capture = Fixtures.corpus("http1-chunked-gzip-msn.pcap").path
        let (status, errors) = try runIntoFullDevice(command + [capture])
        #expect(status != 0)
        #expect(errors.contains("cannot write the output: No space left on device"), "\(command): \(errors)")
        #expect(!errors.contains("errno"))
    }

    @Test func fullDiskThroughDashOIsSaidTheSameWay() throws {
        let capture = Fixtures.corpus("http1-chunked-gzip-msn.pcap").path
        let (status, _, errors) = try HarkBinary.run(["har", capture, "-o", "/dev/full"])
        #expect(status != 0)
        #expect(errors.contains("No space left on device"), "\(errors)")
        #expect(!errors.contains("errno"))
    }
}
