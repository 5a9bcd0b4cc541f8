import Foundation
import HarkCapture
import HarkTestSupport
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `--follow`: a capture file another program still writes is read like `tail -f`, past its current
/// end and through a record cut in the middle, until told to stop.
struct FollowedFileTests {
    /// Shared between the test and the reading thread.
    private final class Shared: @unchecked Sendable {
        private let lock = NSLock()
        private var stop = false
        private var numbers: [Int] = []
        private var ended = false

        var shouldStop: Bool { lock.withLock { stop } }
        func requestStop() { lock.withLock { stop = true } }
        func add(_ number: Int) { lock.withLock { numbers.append(number) } }
        var read: [Int] { lock.withLock { numbers } }
        func markEnded() { lock.withLock { ended = true } }
        var hasEnded: Bool { lock.withLock { ended } }
    }

    /// Hands the reader to the reading thread, which alone uses it from then on.
    private final class Handoff: @unchecked Sendable {
        let reader: CaptureReader

        init(_ reader: CaptureReader) {
            self.reader = reader
        }
    }

    private func waitUntil(_ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(10)
        while !condition(), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    }

    @Test func aGrowingFileIsReadPastItsEndAndThroughACutRecordUntilStopped() throws {
        var pcap = PcapBuilder()
        for index in 0..<20 {
            pcap.append(Array(repeating: UInt8(index), count: 100), seconds: UInt32(index))
        }
        let bytes = pcap.bytes
        let split = 24 + 10 * 116 + 50  // inside record 11
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hark-follow-\(UUID().uuidString).pcap")
        try Data(bytes[..<split]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }

        let shared = Shared()
        let reader = try CaptureReader(path: url.path, followUntil: { shared.shouldStop })
        #expect(reader.waitsForInput, "read like a pipe: record by record")
        let handoff = Handoff(reader)
        let thread = Thread {
            while case .frame(let frame)? = handoff.reader.next() { shared.add(frame.number) }
            shared.markEnded()
        }
        thread.start()

        waitUntil { shared.read.count == 10 }
        Thread.sleep(forTimeInterval: 0.3)
        #expect(shared.read == Array(1...10), "the complete records, then a wait inside record 11")
        #expect(!shared.hasEnded, "the end of the file is not the end of the input")

        let handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
        handle.write(Data(bytes[split...]))
        try handle.close()
        waitUntil { shared.read.count == 20 }
        #expect(shared.read == Array(1...20))
        #expect(!shared.hasEnded)

        shared.requestStop()
        waitUntil { shared.hasEnded }
        #expect(shared.hasEnded, "stopping ends the input")
        #expect(handoff.reader.takeDiagnostics().isEmpty)
    }

    @Test func withoutFollowingTheSameFileEndsAtItsEnd() throws {
        var pcap = PcapBuilder()
        pcap.append([1, 2, 3], seconds: 1)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hark-follow-\(UUID().uuidString).pcap")
        try Data(pcap.bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let reader = try CaptureReader(path: url.path)
        #expect(!reader.waitsForInput)
        #expect(ReadResult(reader).frames.count == 1)
    }
}
