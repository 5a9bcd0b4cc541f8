import Glibc
import HarkFormat
import Testing

struct FileDescriptorSinkTests {
    /// A pipe's two ends, closed by `close()`.
    private struct Pipe {
        var reader: Int32 = -1
        var writer: Int32 = -1

        init() throws {
            var ends: [Int32] = [-1, -1]
            try #require(pipe(&ends) == 0)
            reader = ends[0]
            writer = ends[1]
        }

        func close() {
            for end in [reader, writer] where end >= 0 { _ = Glibc.close(end) }
        }
    }

    @Test func writesEveryByteToAPipeInOrder() throws {
        let ends = try Pipe()
        defer { ends.close() }
        let sink = FileDescriptorSink(fileDescriptor: ends.writer)
        #expect(!sink.isTerminal)
        let bytes = (0..<40_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }  // fits a default 64 KiB pipe
        try bytes.withUnsafeBytes { try sink.write($0) }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while received.count < bytes.count {
            let count = chunk.withUnsafeMutableBytes { read(ends.reader, $0.baseAddress, $0.count) }
            try #require(count > 0)
            received += chunk.prefix(count)
        }
        #expect(received == bytes)
    }

    @Test func aClosedReaderIsABrokenPipeErrorNotACrash() throws {
        signal(SIGPIPE, SIG_IGN)  // as a parent shell may leave it; the default would end the test run
        var ends = try Pipe()
        defer { ends.close() }
        _ = close(ends.reader)
        ends.reader = -1
        let sink = FileDescriptorSink(fileDescriptor: ends.writer)
        let error = try #require(throws: OutputSinkError.self) { try [UInt8(1)].withUnsafeBytes { try sink.write($0) } }
        #expect(error.isBrokenPipe)
        #expect(error == OutputSinkError(fileDescriptor: ends.writer, errno: EPIPE))
        #expect(error.description.hasPrefix("cannot write to file descriptor \(ends.writer): "))
    }

    @Test func aBadDescriptorReportsItsErrno() throws {
        let sink = FileDescriptorSink(fileDescriptor: -1)
        #expect(!sink.isTerminal)
        #expect(throws: OutputSinkError(fileDescriptor: -1, errno: EBADF)) { try [UInt8(1)].withUnsafeBytes { try sink.write($0) } }
        try [UInt8]().withUnsafeBytes { try sink.write($0) }  // nothing to write: no call, no error
    }
}
