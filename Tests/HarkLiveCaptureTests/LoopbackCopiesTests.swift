import Foundation
import Glibc
import HarkCapture
import HarkCore
import HarkLiveCapture
import HarkTestSupport
import Testing

/// The kernel hands every loopback packet to a packet socket twice (the sender's outgoing copy and the
/// receiver's incoming one); libpcap used to throw the outgoing copy away only after the kernel had
/// queued and counted it, so a loopback capture reported twice the packets it received and twice its
/// drops. Read here directly from `LiveCapture`: what the kernel says it queued must be what was read
/// plus what it dropped, on `lo` and on `any`.
@Suite(.serialized)
struct LoopbackCopiesTests {
    /// Reads everything the capture holds until it has been idle for a while; the number of frames.
    private func drain(_ capture: LiveCapture) -> Int {
        var frames = 0
        var idleReads = 0
        // Each read waits at most half a second for a packet.
        while idleReads < 3 {
            var read = 0
            _ = capture.read(maximumFrames: 4096, maximumBytes: 64 << 20, record: { record in
                if case .frame = record { read += 1 }
            }, diagnostic: { _ in })
            frames += read
            idleReads = read == 0 ? idleReads + 1 : 0
        }
        return frames
    }

    private func requests(_ count: Int, port: Int, directory: URL) throws {
        let urls = Array(repeating: "http://127.0.0.1:\(port)/cached", count: count)
        let client = try ToolProcess.run("curl", ["-s"] + urls, log: directory.appendingPathComponent("curl.log"))
        #expect(client.status == 0)
    }

    @Test(.enabled(if: LiveInterfaceTests.canCapture, "needs root, curl and python3 (CI runs as root)"), arguments: ["lo", "any"])
    func eachLoopbackPacketIsQueuedAndCountedOnce(device: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-copies-\(getpid())-\(device)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, port) = try LoopbackHTTPServer.start(log: directory.appendingPathComponent("server.log"))
        defer { ToolProcess.kill(server) }

        let capture = try LiveCapture(settings: LiveCaptureSettings(device: device, filter: "tcp port \(port)"))
        if device == "any" { #expect(capture.linkType == .linuxSLL2, "SLL2 headers carry the interface index") }
        try requests(20, port: port, directory: directory)
        let frames = drain(capture)
        let counts = try #require(capture.liveCounts)
        // 20 requests on one connection: at least a request and a response segment each.
        #expect(frames >= 40)
        #expect(counts.dropped == 0)
        #expect(counts.received == UInt64(frames), "the kernel queued \(counts.received) packets for \(frames) read")
    }

    @Test(.enabled(if: LiveInterfaceTests.canCapture, "needs root, curl and python3 (CI runs as root)"))
    func dropsOnLoopbackAreCountedOnce() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-copies-drops-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (server, port) = try LoopbackHTTPServer.start(log: directory.appendingPathComponent("server.log"))
        defer { ToolProcess.kill(server) }

        // A kernel buffer of a few packets, not read while 100 requests go by: most are dropped.
        var settings = LiveCaptureSettings(device: "lo", filter: "tcp port \(port)")
        settings.bufferSize = 256 << 10
        let capture = try LiveCapture(settings: settings)
        try requests(100, port: port, directory: directory)
        let frames = drain(capture)
        let counts = try #require(capture.liveCounts)
        #expect(counts.droppedByKernel > 0, "the buffer overflowed")
        #expect(counts.received == UInt64(frames) + counts.droppedByKernel,
                "queued \(counts.received) = read \(frames) + dropped \(counts.droppedByKernel): every packet counted once")
    }

    /// The kernel buffer holds packets by their size: a reader that pauses while a burst of thousands of
    /// small segments goes by loses none. With libpcap's immediate mode each packet took a slot as large
    /// as loopback's 64 KiB MTU, and 64 MiB held about 500.
    @Test(.enabled(if: LiveInterfaceTests.canCapture, "needs root, curl and python3 (CI runs as root)"))
    func aReaderPausingDuringABurstLosesNothing() throws {
        let port = FreePort.next()
        let capture = try LiveCapture(settings: LiveCaptureSettings(device: "lo", filter: "tcp port \(port)"))
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("hark-burst-\(getpid()).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let burst = try ToolProcess.run("python3", [Fixtures.directory.appendingPathComponent("loopback/burst.py").path, String(port), "60000"], log: log)
        #expect(burst.status == 0 && burst.output.hasPrefix("6000000"), "\(burst.output)")
        let frames = drain(capture)
        let counts = try #require(capture.liveCounts)
        #expect(frames >= 1000, "\(frames) packets: a burst larger than the old buffer")
        #expect(counts.droppedByKernel == 0)
        #expect(counts.received == UInt64(frames))
    }
}
