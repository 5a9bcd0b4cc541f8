import Foundation
import HarkCapture
import HarkCore
import HarkTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A pipe or a followed file that goes quiet does not keep `read` waiting: after a quarter of a second
/// without a byte it returns, perhaps with no record, saying how long ago bytes last came (`idleTime`),
/// so that a session's clock can run on (`hark trace -` lets held lines out). `next()` still waits
/// through quiet spells.
struct QuietInputTests {
    /// One `read` call's outcome.
    private struct Read {
        var more: Bool
        var frames: [Int] = []
        var idleTime: TimeSpan?
        /// Wall seconds the call took.
        var seconds: Double
    }

    private func read(_ reader: CaptureReader) -> Read {
        let start = Date()
        var frames: [Int] = []
        let more = reader.read(maximumFrames: 100, maximumBytes: .max, record: { record in
            if case .frame(let frame) = record { frames.append(frame.number) }
        }, diagnostic: { _ in })
        return Read(more: more, frames: frames, idleTime: reader.idleTime, seconds: Date().timeIntervalSince(start))
    }

    private static func capture(records: Int) -> [UInt8] {
        var pcap = PcapBuilder()
        for index in 0..<records {
            pcap.append(Array(repeating: UInt8(index), count: 100), seconds: UInt32(index))
        }
        return pcap.bytes
    }

    private static let quarter = TimeSpan.milliseconds(250)

    /// `tcpdump -U -w - | hark trace -` before the first packet: the header comes late, and the reader
    /// waits for it instead of calling the input empty.
    @Test func aPipeQuietBeforeItsHeaderIsWaitedFor() throws {
        let bytes = Self.capture(records: 2)
        var descriptors: [Int32] = [0, 0]
        try #require(pipe(&descriptors) == 0)
        let (readEnd, writeEnd) = (descriptors[0], descriptors[1])
        defer { close(readEnd) }
        let writer = Thread {
            Thread.sleep(forTimeInterval: 0.7)
            ChunkedInputTests.write(bytes[...], to: writeEnd)
            close(writeEnd)
        }
        writer.start()
        let reader = try CaptureReader(fileDescriptor: readEnd, name: "-")
        var frames: [Int] = []
        while reader.read(maximumFrames: 100, maximumBytes: .max, record: { record in
            if case .frame(let frame) = record { frames.append(frame.number) }
        }, diagnostic: { _ in }) {}
        #expect(frames == [1, 2])
    }

    @Test func aQuietPipeReturnsEachQuarterSecondWithHowLongItHasBeenQuiet() throws {
        let bytes = Self.capture(records: 4)
        var descriptors: [Int32] = [0, 0]
        try #require(pipe(&descriptors) == 0)
        let (readEnd, writeEnd) = (descriptors[0], descriptors[1])
        defer { close(readEnd) }
        ChunkedInputTests.write(bytes[..<(24 + 2 * 116)], to: writeEnd)
        let reader = try CaptureReader(fileDescriptor: readEnd, name: "-")

        // The two records that came, then a quarter of a second of waiting for the third.
        let first = read(reader)
        #expect(first.more && first.frames == [1, 2])
        let firstIdle = try #require(first.idleTime, "a quiet pipe says so")
        #expect(firstIdle >= Self.quarter)
        #expect(first.seconds >= 0.25 && first.seconds < 5)

        // Still quiet: no record, and the quiet time counts from the same last byte.
        let second = read(reader)
        #expect(second.more && second.frames.isEmpty)
        let secondIdle = try #require(second.idleTime)
        #expect(secondIdle.nanoseconds >= firstIdle.nanoseconds + Self.quarter.nanoseconds)

        // Half a record comes: the quiet time starts again from it, and the record waits for its rest.
        let halfway = 24 + 2 * 116 + 60
        ChunkedInputTests.write(bytes[(24 + 2 * 116)..<halfway], to: writeEnd)
        let third = read(reader)
        #expect(third.more && third.frames.isEmpty)
        let thirdIdle = try #require(third.idleTime)
        #expect(thirdIdle >= Self.quarter && thirdIdle < secondIdle, "counted from the half record's arrival")

        // The rest comes and the writer closes: the records, no idle time, then the end.
        ChunkedInputTests.write(bytes[halfway...], to: writeEnd)
        close(writeEnd)
        let last = read(reader)
        #expect(last.frames == [3, 4])
        #expect(last.idleTime == nil)
        #expect(!last.more || !read(reader).more)
        #expect(reader.takeDiagnostics().isEmpty, "a record read in two pieces is whole")
    }

    @Test func nextWaitsThroughQuietSpells() throws {
        let bytes = Self.capture(records: 2)
        var descriptors: [Int32] = [0, 0]
        try #require(pipe(&descriptors) == 0)
        let (readEnd, writeEnd) = (descriptors[0], descriptors[1])
        defer { close(readEnd) }
        ChunkedInputTests.write(bytes[..<(24 + 116)], to: writeEnd)
        let writer = Thread {
            Thread.sleep(forTimeInterval: 0.7)
            ChunkedInputTests.write(bytes[(24 + 116)...], to: writeEnd)
            close(writeEnd)
        }
        writer.start()
        let reader = try CaptureReader(fileDescriptor: readEnd, name: "-")
        var numbers: [Int] = []
        while case .frame(let frame)? = reader.next() { numbers.append(frame.number) }
        #expect(numbers == [1, 2], "the second record, 0.7 s later, is not taken for the end")
    }

    @Test func aQuietFollowedFileReturnsToo() throws {
        let bytes = Self.capture(records: 3)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hark-quiet-\(UUID().uuidString).pcap")
        try Data(bytes[..<(24 + 116 + 30)]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let reader = try CaptureReader(path: url.path, followUntil: { false })

        let first = read(reader)
        #expect(first.more && first.frames == [1])
        #expect(first.idleTime.map { $0 >= Self.quarter } == true)

        let handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
        handle.write(Data(bytes[(24 + 116 + 30)...]))
        try handle.close()
        var frames: [Int] = []
        for _ in 0..<20 where frames.count < 2 {
            frames += read(reader).frames
        }
        #expect(frames == [2, 3], "appended records, the first of them begun before the append")
    }
}
