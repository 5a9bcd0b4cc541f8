import Glibc
import HarkCore
import HarkHTTP1
import HarkTestSupport
import NIOCore
import Testing

/// Bodies larger than the memory threshold: they move to disk and come back byte for byte, however the
/// stream is cut, and a disk budget truncates them with an issue instead of failing.
@Suite struct HTTP1LargeBodyTests {
    /// Incompressible bytes, so that a gzip'd copy is as large as the original.
    private static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 8)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next()) { bytes += $0 }
        }
        return Array(bytes.prefix(count))
    }

    /// A fresh directory for spill files, and limits spilling there beyond 64 KiB.
    private static func limits(maxDiskBytes: Int = BodyStoragePool.defaultMaxDiskBytes) throws -> (HTTP1Limits, String) {
        var template = Array("/tmp/hark-http1-spill-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        let directory = try #require(made.map { String(cString: $0) })
        let pool = BodyStoragePool(directory: directory, maxMemoryBytes: 0, maxDiskBytes: maxDiskBytes)
        return (HTTP1Limits(bodyStorage: BodyStorageLimits(memoryThreshold: 64 << 10, pool: pool)), directory)
    }

    private static func response(_ head: String, _ body: [UInt8]) -> [Step] {
        [
            .client(wire("GET /big HTTP/1.1", "Host: example.com", "", "")),
            .bytes(.serverToClient, Array(head.utf8) + body),
        ] + Step.finishBoth()
    }

    /// `body` in HTTP/1.1 chunks of `size` bytes, last chunk included.
    private static func chunked(_ body: [UInt8], size: Int) -> [UInt8] {
        var wire: [UInt8] = []
        var start = 0
        while start < body.count {
            let end = min(body.count, start + size)
            wire += Array(String(end - start, radix: 16).utf8) + [13, 10] + body[start..<end] + [13, 10]
            start = end
        }
        return wire + Array("0\r\n\r\n".utf8)
    }

    /// Runs `script` whole and with random splits, expects the same events, returns the exchange.
    private static func exchange(_ script: [Step], limits: HTTP1Limits) throws -> HTTP1Exchange {
        let reference = run(script, feeding: .whole, limits: limits)
        for seed: UInt64 in [3, 11] {
            #expect(run(script, feeding: .randomSplits(seed: seed), limits: limits) == reference, "seed \(seed)")
        }
        return try #require(reference.exchanges.first)
    }

    @Test func contentLengthBodyComesBackByteIdentical() throws {
        let (limits, directory) = try Self.limits()
        defer { rmdir(directory) }
        let body = Self.noise(3 << 20, seed: 1)
        let head = wire("HTTP/1.1 200 OK", "Content-Length: \(body.count)", "Content-Type: application/octet-stream", "", "")
        let exchange = try Self.exchange(Self.response(head, body), limits: limits)
        let response = try #require(exchange.response)
        #expect(response.body.bytes.isSpilled, "3 MiB is past the 64 KiB threshold")
        #expect(response.body.length == body.count && response.body.bytes.count == body.count)
        #expect(response.body.bytes.byteArray == body)
        #expect(exchange.issues.isEmpty)
    }

    @Test func chunkedGzipBodyIsKeptAndDecodedOnDisk() throws {
        let (limits, directory) = try Self.limits()
        defer { rmdir(directory) }
        let text = Array(String(repeating: "a line of text that compresses well\n", count: 60_000).utf8)
        let gzipped = ZlibCompressor.compress(text, wrapper: .gzip)
        let head = wire("HTTP/1.1 200 OK", "Transfer-Encoding: chunked", "Content-Encoding: gzip", "", "")
        let exchange = try Self.exchange(Self.response(head, Self.chunked(gzipped, size: 1000)), limits: limits)
        let body = try #require(exchange.response?.body)
        #expect(body.bytes.byteArray == gzipped, "the transfer-decoded (still gzip'd) body")
        #expect(body.decoded?.isSpilled == true, "2 MiB decoded is past the threshold")
        #expect(body.decoded?.byteArray == text)
        #expect(body.decodedLength == text.count && body.decodingError == nil)
        #expect(body.content.count == text.count)
    }

    @Test func noBodyKeptStillCountsTheDecodedLength() throws {
        var (limits, directory) = try Self.limits(maxDiskBytes: 0)
        defer { rmdir(directory) }
        limits.maxBodyBytes = 0
        let text = Array(String(repeating: "x", count: 500_000).utf8)
        let gzipped = ZlibCompressor.compress(text, wrapper: .gzip)
        let head = wire("HTTP/1.1 200 OK", "Content-Length: \(gzipped.count)", "Content-Encoding: gzip", "", "")
        let exchange = try Self.exchange(Self.response(head, gzipped), limits: limits)
        let body = try #require(exchange.response?.body)
        #expect(body.bytes.isEmpty && body.decoded?.isEmpty == true, "nothing stored: the budget of 0 was never hit")
        #expect(body.decodedLength == text.count && body.length == gzipped.count)
        #expect(exchange.issues.isEmpty, "a limit of 0 keeps no body by choice: not an issue")
    }

    @Test(arguments: [Feeding.whole, .randomSplits(seed: 3), .randomSplits(seed: 11)])
    func diskBudgetTruncatesTheBodyWithAnIssue(feeding: Feeding) throws {
        // A budget of its own per run: the budget is shared by every body alive in the area.
        let (limits, directory) = try Self.limits(maxDiskBytes: 200_000)
        defer { rmdir(directory) }
        let body = Self.noise(1 << 20, seed: 2)
        let head = wire("HTTP/1.1 200 OK", "Content-Length: \(body.count)", "", "")
        let exchange = try #require(run(Self.response(head, body), feeding: feeding, limits: limits).exchanges.first)
        let kept = try #require(exchange.response?.body.bytes)
        let error = try #require(kept.error)
        #expect(error.kind == .diskBudgetExhausted(limit: 200_000))
        #expect(kept.count == 200_000, "the body ends where the budget did, however the stream was cut")
        #expect(kept.byteArray == Array(body[..<kept.count]), "what was kept is intact")
        #expect(exchange.response?.body.length == body.count, "the rest was counted")
        #expect(exchange.issues == [.responseBodyNotStored(error)])
        #expect(limits.bodyStorage.pool.usedDiskBytes <= 200_000)
    }
}
