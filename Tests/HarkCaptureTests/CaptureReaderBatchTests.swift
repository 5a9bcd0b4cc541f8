import Foundation
import HarkCapture
import HarkCore
import HarkTestSupport
import NIOCore
import Testing

/// `CaptureReader.read`, the batch read the session uses, yields what `next()` yields, in the same order
/// with the diagnostics in the same places, whatever the batch size, on intact and damaged captures.
struct CaptureReaderBatchTests {
    @Test(arguments: Fixtures.corpusCaptures)
    func batchesYieldWhatNextYields(capture: String) throws {
        let original = try Fixtures.bytes(Fixtures.corpus(capture))
        var generator = SplitMix64(seed: 0x6261_7463)
        var variants = [original, Array(original.prefix(original.count * 2 / 3))]
        var spliced = original
        let position = Int.random(in: 24..<max(25, spliced.count), using: &generator)
        spliced.insert(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF, 0x12, 0x00, 0x00, 0x7F], at: min(position, spliced.count))
        variants.append(spliced)

        for (index, bytes) in variants.enumerated() {
            let expected = try transcriptByNext(bytes)
            for (frames, bytesPerBatch) in [(1, Int.max), (7, Int.max), (512, 3_000)] {
                let batched = try transcriptByBatches(bytes, maximumFrames: frames, maximumBytes: bytesPerBatch)
                #expect(batched == expected, "\(capture) variant \(index), batches of \(frames) frames / \(bytesPerBatch) bytes")
            }
        }
    }

    @Test func aBatchStopsAtItsFrameAndByteLimits() throws {
        let reader = try CaptureReader(path: Fixtures.corpus("http1-browse-bro-org.pcap").path)
        var sizes: [Int] = []
        var more = true
        while more {
            var frames = 0
            more = reader.read(maximumFrames: 5, maximumBytes: .max) { _ in frames += 1 } diagnostic: { _ in }
            sizes.append(frames)
        }
        #expect(sizes.dropLast().allSatisfy { $0 == 5 })
        #expect(sizes.last ?? 0 <= 5)

        let bytesReader = try CaptureReader(path: Fixtures.corpus("http1-browse-bro-org.pcap").path)
        var frameSizes: [Int] = []
        _ = bytesReader.read(maximumFrames: .max, maximumBytes: 2_000) { record in
            if case .frame(let frame) = record { frameSizes.append(frame.data.readableBytes) }
        } diagnostic: { _ in }
        // The batch ends with the frame that reaches the byte limit.
        #expect(frameSizes.dropLast().reduce(0, +) < 2_000)
        #expect(frameSizes.reduce(0, +) >= 2_000)
    }

    /// Frames, secrets and diagnostics in the order `next()` finds them.
    private func transcriptByNext(_ bytes: [UInt8]) throws -> [String] {
        let reader = try CaptureReader(bytes: ByteBuffer(bytes: bytes), name: "test")
        var transcript: [String] = []
        while let record = reader.next() {
            transcript += reader.takeDiagnostics().map(line)
            transcript.append(line(record))
        }
        return transcript + reader.takeDiagnostics().map(line)
    }

    /// The same, read in batches.
    private func transcriptByBatches(_ bytes: [UInt8], maximumFrames: Int, maximumBytes: Int) throws -> [String] {
        let reader = try CaptureReader(bytes: ByteBuffer(bytes: bytes), name: "test")
        var transcript: [String] = []
        while reader.read(
            maximumFrames: maximumFrames,
            maximumBytes: maximumBytes,
            record: { transcript.append(line($0)) },
            diagnostic: { transcript.append(line($0)) }
        ) {}
        return transcript + reader.takeDiagnostics().map(line)
    }

    private func line(_ record: CaptureRecord) -> String {
        switch record {
        case .frame(let frame):
            "frame \(frame.number) at \(frame.fileOffset): \(frame.data.readableBytes) bytes, \(frame.timestamp.nanoseconds) ns"
        case .decryptionSecrets(let secrets):
            "secrets at \(secrets.fileOffset): \(secrets.data.readableBytes) bytes"
        }
    }

    private func line(_ diagnostic: Diagnostic) -> String {
        "diagnostic: \(diagnostic)"
    }
}
