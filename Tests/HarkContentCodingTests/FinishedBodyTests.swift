import HarkContentCoding
import HarkCore
import HarkTestSupport
import NIOCore
import Testing

/// A decoded body that spilled to disk is all on disk once it ends: an exchange waiting to be written
/// out (for the parallel merge, or in a queue) holds no buffer of unwritten bytes, which cost up to the
/// memory threshold (256 KiB) a body.
@Suite struct FinishedBodyTests {
    @Test func aFinishedSpilledBodyIsAllOnDisk() throws {
        // 1 MiB and a bit, so that the last bytes do not fill a whole threshold's worth.
        let plain = (0..<((1 << 20) &+ 12_345)).map { UInt8(truncatingIfNeeded: ($0 &* 7) ^ ($0 >> 11)) }
        let gzip = ZlibCompressor.compress(plain, wrapper: .gzip)
        let pool = BodyStoragePool(maxMemoryBytes: 0)
        let limits = BodyStorageLimits(memoryThreshold: 256 << 10, pool: pool)
        let decoder = BodyDecoder(codings: [.gzip], maxOutputBytes: 1 << 30, keepLimit: 1 << 30, storage: limits)
        var offset = 0
        while offset < gzip.count {
            let end = min(offset &+ 1_000, gzip.count)
            decoder.decode(ByteBuffer(bytes: gzip[offset..<end]))
            offset = end
        }
        let result = decoder.finish()
        #expect(result.error == nil)
        #expect(result.bytes.isSpilled)
        #expect(result.bytes.count == plain.count)
        #expect(pool.usedDiskBytes == plain.count, "every kept byte is in the file, none left in memory")
        #expect(Array(try result.bytes.readAll().readableBytesView) == plain, "the same bytes read back")
    }
}
