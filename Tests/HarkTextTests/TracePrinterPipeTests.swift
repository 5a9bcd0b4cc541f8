import Foundation
import Glibc
import HarkCapture
import HarkFormat
import HarkModel
import HarkSession
import HarkTestSupport
import HarkText
import Synchronization
import Testing

/// `tcpdump -U -w - | hark trace -`: the capture arrives through a pipe a piece at a time, and lines
/// must come out as soon as their exchanges are complete, not when the input ends.
struct TracePrinterPipeTests {
    /// Output shared between the session's thread and the test.
    final class SharedSink: OutputSink, Sendable {
        private let state = Mutex<(bytes: [UInt8], finished: Bool)>(([], false))

        func write(_ bytes: UnsafeRawBufferPointer) throws {
            state.withLock { $0.bytes.append(contentsOf: bytes) }
        }

        func finish() {
            state.withLock { $0.finished = true }
        }

        var lines: [String] {
            state.withLock { String(decoding: $0.bytes, as: UTF8.self) }.split(separator: "\n").map(String.init)
        }

        var isFinished: Bool {
            state.withLock { $0.finished }
        }
    }

    @Test func linesComeOutBeforeTheInputEnds() throws {
        let capture = Fixtures.corpus("http1-browse-wikipedia-304.pcap")
        let bytes = try Fixtures.bytes(capture)
        var descriptors: [Int32] = [0, 0]
        try #require(pipe(&descriptors) == 0)
        let (readEnd, writeEnd) = (descriptors[0], descriptors[1])
        defer { close(readEnd) }

        let sink = SharedSink()
        let session = Thread {
            let output = LineWriter(sink: sink, flushEachLine: true)
            // As they complete: this test is about a pipe's lines being flushed one by one (the capture
            // spans less than `.live`'s window; TraceLineOrderCorpusTests covers the window).
            var printer = TracePrinter(output: output, options: TraceOptions(lineOrder: .asCompleted)) { _ in }
            if let reader = try? CaptureReader(fileDescriptor: readEnd, name: "-") {
                _ = CaptureSession(reader: reader).run(observer: &printer)
            }
            output.flush()
            sink.finish()
        }
        session.start()

        let half = bytes.count / 2
        try writeAll(bytes[..<half], to: writeEnd)
        let early = waitFor { !sink.lines.isEmpty }
        let linesBeforeEnd = sink.lines
        #expect(early, "no line came out while the capture was still open")
        #expect(!sink.isFinished)

        try writeAll(bytes[half...], to: writeEnd)
        close(writeEnd)
        #expect(waitFor { sink.isFinished }, "the session did not finish after the input ended")

        let expected = try TraceRendering.render(capture, options: TraceOptions(lineOrder: .asCompleted)).output
            .split(separator: "\n").map(String.init)
        #expect(sink.lines == expected)
        #expect(!linesBeforeEnd.isEmpty && linesBeforeEnd.count < expected.count)
        #expect(Array(expected.prefix(linesBeforeEnd.count)) == linesBeforeEnd)
    }

    private func writeAll(_ bytes: ArraySlice<UInt8>, to descriptor: Int32) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                guard let base = buffer.baseAddress else { return }
                let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
                try #require(written > 0, "write to the pipe failed: errno \(errno)")
                offset += written
            }
        }
    }

    /// Polls `condition` every 10 ms for up to 10 s.
    private func waitFor(_ condition: () -> Bool) -> Bool {
        for _ in 0..<1000 {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }
}
