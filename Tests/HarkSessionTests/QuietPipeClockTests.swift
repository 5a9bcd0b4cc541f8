import Foundation
import HarkCapture
import HarkCore
import HarkModel
import HarkSession
import HarkTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A pipe's only clock is its packets; while it is quiet the session lets that clock run on with the
/// wall clock from the latest packet (`SessionObserver.clock`), so that `hark trace -` lets held
/// lines out without waiting for the next packet or the end.
struct QuietPipeClockTests {
    /// The clock times an observer was told, shared with the test.
    private final class Clocks: @unchecked Sendable {
        private let lock = NSLock()
        private var times: [Timestamp] = []

        func add(_ time: Timestamp) { lock.withLock { times.append(time) } }
        var all: [Timestamp] { lock.withLock { times } }
    }

    private struct ClockObserver: SessionObserver {
        let clocks: Clocks

        mutating func clock(_ now: Timestamp) {
            clocks.add(now)
        }
    }

    @Test func theClockRunsOnPastTheLatestPacketWhileThePipeIsQuiet() throws {
        var pcap = PcapBuilder()
        pcap.append(Array(repeating: 0, count: 60), seconds: 100)
        pcap.append(Array(repeating: 0, count: 60), seconds: 100, fraction: 100_000)
        let latest = Timestamp(nanoseconds: 100_100_000_000)
        var descriptors: [Int32] = [0, 0]
        try #require(pipe(&descriptors) == 0)
        let (readEnd, writeEnd) = (descriptors[0], descriptors[1])
        defer { close(readEnd) }
        FileHandle(fileDescriptor: writeEnd, closeOnDealloc: false).write(Data(pcap.bytes))
        let quiet = 1.2
        let writer = Thread {
            Thread.sleep(forTimeInterval: quiet)
            close(writeEnd)
        }
        let started = Date()
        writer.start()

        let clocks = Clocks()
        var observer = ClockObserver(clocks: clocks)
        var configuration = SessionConfiguration()
        configuration.readsAhead = false
        _ = CaptureSession(reader: try CaptureReader(fileDescriptor: readEnd, name: "-"), configuration: configuration)
            .run(observer: &observer)
        let wall = Date().timeIntervalSince(started)

        let times = clocks.all
        let furthest = try #require(times.max())
        #expect(times.first == Timestamp(nanoseconds: 100_000_000_000), "packets first: the clock is theirs")
        // Quiet for 1.2 s, looked at every 0.25 s: the clock got at least 0.7 s past the latest packet,
        // and never further than the wall time the run took.
        #expect(furthest.since(latest).seconds >= quiet - 0.5, "\(furthest.since(latest).seconds) s past the latest packet")
        #expect(furthest.since(latest).seconds <= wall)
    }
}
