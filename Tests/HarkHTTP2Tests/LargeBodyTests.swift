import Glibc
import HarkCore
import HarkHTTP2
import HarkTestSupport
import NIOCore
import Testing

/// HTTP/2 bodies larger than the memory threshold: kept on disk, byte-identical however the stream is
/// cut, content-decoded as DATA arrives, and split into gRPC messages chunk by chunk.
@Suite struct HTTP2LargeBodyTests {
    private static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 8)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next()) { bytes += $0 }
        }
        return Array(bytes.prefix(count))
    }

    /// Limits spilling beyond `threshold` into a fresh directory.
    private static func limits(threshold: Int) throws -> (HTTP2Limits, String) {
        var template = Array("/tmp/hark-http2-spill-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        let directory = try #require(made.map { String(cString: $0) })
        let storage = BodyStorageLimits(memoryThreshold: threshold, pool: BodyStoragePool(directory: directory, maxMemoryBytes: 0))
        return (HTTP2Limits(bodyStorage: storage), directory)
    }

    /// `body` as DATA frames of at most 16 KiB on `stream`, the last one ending the stream.
    private static func data(_ body: [UInt8], stream: UInt32) -> [UInt8] {
        var frames: [UInt8] = []
        var start = 0
        repeat {
            let end = min(body.count, start + 16_384)
            frames += frame(.data, end == body.count ? .endStream : [], stream: stream, Array(body[start..<end]))
            start = end
        } while start < body.count
        return frames
    }

    /// Runs `script` whole and with random splits, expects the same events, returns the exchanges.
    private static func exchanges(_ script: [Step], limits: HTTP2Limits) -> [HTTP2Exchange] {
        let reference = run(script, feeding: .whole, analyzer: HTTP2Analyzer(limits: limits))
        for seed: UInt64 in [3, 11] {
            let events = run(script, feeding: .randomSplits(seed: seed), analyzer: HTTP2Analyzer(limits: limits))
            #expect(events == reference, "seed \(seed)")
        }
        return reference.exchanges
    }

    private static let get: [(String, String)] = [
        (":method", "GET"), (":scheme", "http"), (":authority", "example.com"), (":path", "/big"),
    ]

    @Test func bodiesPastTheThresholdComeBackByteIdentical() throws {
        let (limits, directory) = try Self.limits(threshold: 64 << 10)
        defer { rmdir(directory) }
        var client = Encoder()
        var server = Encoder()
        let plain = Self.noise(2 << 20, seed: 5)
        let text = Array(String(repeating: "compressible text, again and again\n", count: 40_000).utf8)
        let gzipped = ZlibCompressor.compress(text, wrapper: .gzip)
        let script: [Step] = [
            .client(preface + frame(.headers, [.endHeaders, .endStream], stream: 1, client.block(Self.get))
                + frame(.headers, [.endHeaders, .endStream], stream: 3, client.block(Self.get))),
            .server(frame(.headers, .endHeaders, stream: 1, server.block([(":status", "200")]))
                + frame(.headers, .endHeaders, stream: 3, server.block([(":status", "200"), ("content-encoding", "gzip")]))
                + Self.data(plain, stream: 1) + Self.data(gzipped, stream: 3)),
        ]
        let exchanges = Self.exchanges(script, limits: limits)
        let first = try #require(exchanges.first { $0.streamID == 1 }?.response?.body)
        #expect(first.bytes.isSpilled && first.bytes.byteArray == plain && first.length == plain.count)
        let second = try #require(exchanges.first { $0.streamID == 3 }?.response?.body)
        #expect(second.bytes.byteArray == gzipped)
        #expect(second.decoded?.isSpilled == true && second.decoded?.byteArray == text)
        #expect(second.decodedLength == text.count && second.decodingError == nil)
        #expect(exchanges.allSatisfy { $0.issues.isEmpty })
    }

    /// A gRPC call whose request carries `count` messages of varied sizes, every third one gzip'd.
    private static func grpcScript(count: Int) -> ([Step], [[UInt8]]) {
        var client = Encoder()
        var server = Encoder()
        var payloads: [[UInt8]] = []
        var body: [UInt8] = []
        for index in 0..<count {
            let payload = Array(String(repeating: "message \(index) ", count: 1 + index % 97).utf8)
            payloads.append(payload)
            let compressed = index % 3 == 0
            let wire = compressed ? ZlibCompressor.compress(payload, wrapper: .gzip) : payload
            body += [compressed ? 1 : 0] + be32(UInt32(wire.count)) + wire
        }
        let call: [(String, String)] = [
            (":method", "POST"), (":scheme", "http"), (":authority", "svc"), (":path", "/pkg.Bulk/Upload"),
            ("content-type", "application/grpc"), ("grpc-encoding", "gzip"),
        ]
        let script: [Step] = [
            .client(preface + frame(.headers, .endHeaders, stream: 1, client.block(call)) + Self.data(body, stream: 1)),
            .server(frame(.headers, [.endHeaders, .endStream], stream: 1, server.block([
                (":status", "200"), ("content-type", "application/grpc"), ("grpc-status", "0"),
            ]))),
        ]
        return (script, payloads)
    }

    @Test func grpcMessagesAreSplitFromABodyOnDisk() throws {
        let (limits, directory) = try Self.limits(threshold: 4096)
        defer { rmdir(directory) }
        let (script, payloads) = Self.grpcScript(count: 600)
        let exchange = try #require(Self.exchanges(script, limits: limits).first)
        #expect(exchange.request?.body.bytes.isSpilled == true)
        let call = try #require(exchange.grpc)
        #expect(call.requestMessageCount == payloads.count && call.requestMessages.count == payloads.count)
        #expect(call.requestMessages.map { Array($0.payload.readableBytesView) } == payloads)
        #expect(call.requestMessages.allSatisfy { $0.decodingError == nil } && !call.hasIncompleteMessages)
    }

    @Test func grpcMessageBytesKeptAreBounded() throws {
        var (limits, directory) = try Self.limits(threshold: 4096)
        defer { rmdir(directory) }
        limits.maxGRPCMessageBytes = 10_000
        let (script, payloads) = Self.grpcScript(count: 600)
        let call = try #require(Self.exchanges(script, limits: limits).first?.grpc)
        let kept = call.requestMessages.reduce(0) { $0 + $1.payload.readableBytes }
        #expect(kept <= 10_000 && !call.requestMessages.isEmpty)
        #expect(call.requestMessageCount == payloads.count, "messages not kept are still counted")
        #expect(call.requestMessages.map { Array($0.payload.readableBytesView) } == Array(payloads.prefix(call.requestMessages.count)))
    }
}
