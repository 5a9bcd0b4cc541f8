import Glibc
@testable import HarkCore
import NIOCore
import Testing

/// Reading back bodies kept in memory blocks past the threshold, on disk, or both.
@Suite struct BodyStorageReadingTests {
    private static func pattern(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ ($0 >> 8)) }
    }

    /// `bytes` appended in pieces of 997 bytes.
    private static func stored(_ bytes: [UInt8], limits: BodyStorageLimits) -> BodyStorage {
        var storage = BodyStorage()
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + 997)
            storage.append(ByteBuffer(bytes: bytes[start..<end]), limits: limits)
            start = end
        }
        return storage
    }

    private static func read(_ storage: BodyStorage, chunk: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunks = storage.chunks(maxChunk: chunk)
        while let piece = try chunks.next() {
            #expect(piece.readableBytes == chunk || bytes.count + piece.readableBytes == storage.count)
            bytes += piece.readableBytesView
        }
        return bytes
    }

    @Test func blocksPastTheThresholdReadBackInAnyChunkSize() throws {
        let pool = BodyStoragePool(maxMemoryBytes: 1 << 20)
        let input = Self.pattern(300_000)
        let storage = Self.stored(input, limits: BodyStorageLimits(memoryThreshold: 1000, pool: pool))
        #expect(!storage.isSpilled && storage.blocks.count == 5, "1000 bytes, then 64 KiB blocks")
        #expect(pool.usedMemoryBytes == 299_000)
        for chunk in [1, 7, 999, 1000, 1001, 65_536, 65_537, 300_000, 400_000] {
            #expect(try Self.read(storage, chunk: chunk) == input, "chunk size \(chunk)")
        }
        for cut in [0, 1, 999, 1000, 1001, 66_536, 66_537, 299_999] {
            let prefix = storage.prefix(cut)
            #expect(prefix.count == cut)
            #expect(Array(try prefix.readAll().readableBytesView) == Array(input[..<cut]), "prefix \(cut)")
        }
        #expect(storage == BodyStorage(ByteBuffer(bytes: input)))
    }

    @Test func aBodyMovingToDiskTakesItsBlocksAlong() throws {
        let pool = BodyStoragePool(maxMemoryBytes: 100_000)
        let limits = BodyStorageLimits(memoryThreshold: 1000, pool: pool)
        let input = Self.pattern(250_000)
        let storage = Self.stored(input, limits: limits)
        #expect(storage.isSpilled && storage.blocks.isEmpty && pool.usedMemoryBytes == 0)
        #expect(storage.memory.readableBytes <= 1000, "only the threshold stays in memory")
        for chunk in [3, 1000, 65_536, 256 << 10, 300_000] {
            #expect(try Self.read(storage, chunk: chunk) == input, "chunk size \(chunk)")
        }
        #expect(Array(try storage.prefix(123_456).readAll().readableBytesView) == Array(input[..<123_456]))
    }

    @Test func copiesOfABlockBodyStayIndependent() throws {
        let limits = BodyStorageLimits(memoryThreshold: 100, pool: BodyStoragePool(maxMemoryBytes: 1 << 20))
        var original = Self.stored(Self.pattern(70_000), limits: limits)
        var copy = original
        original.append(ByteBuffer(bytes: [1, 2, 3]), limits: limits)
        copy.append(ByteBuffer(bytes: [4, 5]), limits: limits)
        #expect(Array(try original.readAll().readableBytesView) == Self.pattern(70_000) + [1, 2, 3])
        #expect(Array(try copy.readAll().readableBytesView) == Self.pattern(70_000) + [4, 5])
    }
}
