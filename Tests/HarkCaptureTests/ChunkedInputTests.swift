import Foundation
import HarkCapture
import HarkTestSupport
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

struct ChunkedInputTests {
    /// Whether the writer has written the second half, shared between the test and its writer thread.
    private final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private var secondHalfWritten = false

        var isSecondHalfWritten: Bool { lock.withLock { secondHalfWritten } }
        func markSecondHalfWritten() { lock.withLock { secondHalfWritten = true } }
    }

    @Test func deliversRecordsBeforeTheWriterHasFinished() throws {
        var pcap = PcapBuilder()
        for index in 0..<20 {
            pcap.append(Array(repeating: UInt8(index), count: 100), seconds: UInt32(index))
        }
        let bytes = pcap.bytes
        let split = 24 + 10 * 116 + 50  // inside record 11
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let (readEnd, writeEnd) = (descriptors[0], descriptors[1])
        defer { close(readEnd) }

        let firstHalfRead = DispatchSemaphore(value: 0)
        let progress = Progress()
        let writer = Thread {
            Self.write(bytes[..<split], to: writeEnd)
            // A reader that waits for a full chunk never signals; the timeout then ends the test.
            _ = firstHalfRead.wait(timeout: .now() + 20)
            progress.markSecondHalfWritten()
            Self.write(bytes[split...], to: writeEnd)
            close(writeEnd)
        }
        writer.start()

        let reader = try CaptureReader(fileDescriptor: readEnd, name: "-")
        var numbers: [Int] = []
        while numbers.count < 10, case .frame(let frame)? = reader.next() {
            numbers.append(frame.number)
        }
        #expect(numbers == Array(1...10))
        #expect(!progress.isSecondHalfWritten)
        firstHalfRead.signal()

        let rest = ReadResult(reader)
        #expect(rest.frames.map(\.number) == Array(11...20))
        #expect(rest.frames.first.map { Array($0.data.readableBytesView) } == Array(repeating: 10, count: 100))
        #expect(rest.diagnostics.isEmpty)
    }

    /// Chunks are read into again once `ChunkedInput.reusedChunks` newer ones exist: frames still held
    /// from an old chunk must keep their bytes, and frames read into a reused chunk must be the file's.
    @Test func reusedChunksNeverOverwriteFramesStillHeld() throws {
        var pcap = PcapBuilder()
        let records = 400
        for index in 0..<records {
            pcap.append((0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index) }, seconds: UInt32(index))
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hark-\(UUID().uuidString).pcap")
        try Data(pcap.bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let expected = (0..<records).map { index in (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index) } }
        let limits = CaptureLimits(chunkSize: 4_096)  // about four records a chunk: chunks are reused often

        // Frames dropped as soon as they are checked: their chunks are free to be reused in place.
        let dropping = try CaptureReader(path: url.path, limits: limits)
        var count = 0
        while case .frame(let frame)? = dropping.next() {
            #expect(Array(frame.data.readableBytesView) == expected[frame.number - 1], "frame \(frame.number)")
            count += 1
        }
        #expect(count == records)

        // Every frame held to the end: no chunk may be overwritten under them.
        let held = ReadResult(try CaptureReader(path: url.path, limits: limits))
        #expect(held.payloads == expected)
    }

    /// Writes all of `bytes` to `descriptor` (a pipe's write end), as a capture writer would.
    static func write(_ bytes: ArraySlice<UInt8>, to descriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
