import Foundation
import HarkCapture
import HarkCore
import HarkTestSupport
import NIOCore
import Testing

/// Damaged variants of every corpus capture: cut short, bit-flipped and spliced with garbage. Reading
/// must end without crashing, deliver only frames that lie inside the file, and report damage done to
/// record framing.
struct CaptureReaderFuzzTests {
    @Test(arguments: Fixtures.corpusCaptures.enumerated().map { ($0.offset, $0.element) })
    func survivesDamage(seed: Int, capture: String) throws {
        let original = try Fixtures.bytes(Fixtures.corpus(capture))
        let intact = try ReadResult(bytes: original)
        let layout = Layout(original, intact: intact)
        var generator = SplitMix64(seed: 0x6861_726B &+ UInt64(seed))

        for variant in 0..<20 {
            // A cut anywhere, or exactly between records now and then.
            let cut = variant % 4 == 0
                ? layout.boundaries.randomElement(using: &generator) ?? 0
                : Int.random(in: 0..<original.count, using: &generator)
            try checkTruncated(Array(original.prefix(cut)), cut: cut, layout: layout, intact: intact)
        }
        for _ in 0..<10 {
            // A flipped bit in a length field is always detectable.
            var bytes = original
            let bit = layout.flipLengthBit(in: &bytes, using: &generator)
            let result = try ReadResult(bytes: bytes)
            expectSane(result, size: bytes.count)
            #expect(!result.diagnostics.isEmpty, "\(capture): length bit flipped at \(bit) went unnoticed")
        }
        for _ in 0..<5 {
            // Garbage between two records is always detectable.
            var bytes = original
            let at = layout.boundaries.filter { $0 >= layout.firstRecord }.randomElement(using: &generator) ?? 0
            let count = Int.random(in: 1...64, using: &generator)
            bytes.insert(contentsOf: (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }, at: at)
            let result = try ReadResult(bytes: bytes)
            expectSane(result, size: bytes.count)
            #expect(!result.diagnostics.isEmpty, "\(capture): \(count) garbage bytes at \(at) went unnoticed")
        }
        for _ in 0..<5 {
            // Bits flipped anywhere: reading must merely end sanely.
            var bytes = original
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[position] ^= 1 << UInt8.random(in: 0...7, using: &generator)
            }
            if let result = try? ReadResult(bytes: bytes) { expectSane(result, size: bytes.count) }
        }
    }

    @Test func chunkingDoesNotChangeWhatADamagedFileYields() throws {
        var generator = SplitMix64(seed: 42)
        for capture in ["link-sll2-http-download.pcap", "h2-tls13-youtube-dsb.pcapng"] {
            var bytes = try Fixtures.bytes(Fixtures.corpus(capture))
            for _ in 0..<20 {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                bytes.insert(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF, 0x12], at: position)
            }
            let inMemory = try ReadResult(bytes: bytes, name: "x")
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("hark-\(UUID().uuidString)")
            try Data(bytes).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            let chunked = ReadResult(try CaptureReader(path: url.path, limits: CaptureLimits(chunkSize: 4_096)))
            #expect(!inMemory.diagnostics.isEmpty)
            #expect(chunked.frames.map(\.fileOffset) == inMemory.frames.map(\.fileOffset))
            #expect(chunked.payloads == inMemory.payloads)
            #expect(chunked.diagnostics.map(\.message) == inMemory.diagnostics.map(\.message))
        }
    }

    /// A cut file yields exactly the records that end before the cut, and a diagnostic unless the cut
    /// falls between records.
    private func checkTruncated(_ bytes: [UInt8], cut: Int, layout: Layout, intact: ReadResult) throws {
        guard cut >= layout.minimumHeader else {
            #expect(throws: CaptureError.self) { _ = try ReadResult(bytes: bytes) }
            return
        }
        let result = try ReadResult(bytes: bytes)
        let complete = intact.frames.filter { layout.end(ofRecordAt: Int($0.fileOffset)) <= cut }
        #expect(result.frames.map(\.number) == complete.map(\.number), "cut at \(cut)")
        #expect(result.diagnostics.isEmpty == layout.boundaries.contains(cut), "cut at \(cut): \(result.diagnostics)")
    }

    /// Numbers and offsets increase, and every frame's bytes lie inside the file.
    private func expectSane(_ result: ReadResult, size: Int) {
        let numbers = result.frames.map(\.number)
        let offsets = result.frames.map(\.fileOffset)
        #expect(zip(numbers, numbers.dropFirst()).allSatisfy { $0 < $1 })
        #expect(zip(offsets, offsets.dropFirst()).allSatisfy { $0 < $1 })
        #expect(result.frames.allSatisfy { $0.fileOffset + Int64($0.data.readableBytes) <= Int64(size) })
    }
}

/// Where the records of an intact capture lie, found by walking its framing.
private struct Layout {
    /// The file offsets where a record starts or the file ends (after the file header).
    var boundaries: [Int] = []
    /// The offsets of the length fields of every record or block, with their trailer in pcapng.
    var lengthFields: [(offset: Int, bits: ClosedRange<Int>, bigEndian: Bool)] = []
    /// The shortest prefix the reader accepts without throwing.
    var minimumHeader: Int
    /// The offset of the first record or block after the file header.
    var firstRecord: Int

    init(_ bytes: [UInt8], intact: ReadResult) {
        if bytes.starts(with: [0x0A, 0x0D, 0x0D, 0x0A]) {
            minimumHeader = 12
            firstRecord = 0
            var offset = 0
            var bigEndian = false
            while offset + 12 <= bytes.count {
                if bytes[offset..<offset + 4] == [0x0A, 0x0D, 0x0D, 0x0A] { bigEndian = bytes[offset + 8] == 0x1A }
                let length = Self.word(bytes, at: offset + 4, bigEndian: bigEndian)
                boundaries.append(offset)
                lengthFields.append((offset + 4, 0...31, bigEndian))
                lengthFields.append((offset + length - 4, 0...31, bigEndian))
                offset += length
            }
        } else {
            // Only captured-length bits 18 and up push it past the 256 KiB limit for certain.
            minimumHeader = 24
            firstRecord = 24
            let bigEndian = bytes.first == 0xA1
            boundaries = [24]
            for frame in intact.frames {
                boundaries.append(Int(frame.fileOffset))
                lengthFields.append((Int(frame.fileOffset) + 8, 18...31, bigEndian))
            }
        }
        boundaries.append(bytes.count)
        boundaries.sort()
    }

    /// The end of the record starting at `offset`: the next boundary.
    func end(ofRecordAt offset: Int) -> Int {
        boundaries.first { $0 > offset } ?? Int.max
    }

    /// Flips one bit of a random length field; returns the byte offset changed.
    func flipLengthBit(in bytes: inout [UInt8], using generator: inout SplitMix64) -> Int {
        guard let field = lengthFields.randomElement(using: &generator) else { return 0 }
        let bit = Int.random(in: field.bits, using: &generator)
        let byte = field.offset + (field.bigEndian ? 3 - bit / 8 : bit / 8)
        bytes[byte] ^= UInt8(1 << (bit % 8))
        return byte
    }

    private static func word(_ bytes: [UInt8], at offset: Int, bigEndian: Bool) -> Int {
        let value = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        return bigEndian ? value : Int(UInt32(value).byteSwapped)
    }
}
