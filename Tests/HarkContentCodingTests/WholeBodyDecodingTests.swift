import HarkContentCoding
import HarkCore
import HarkTestSupport
import NIOCore
import Testing

/// A gzip body small enough to be held whole is decoded in one call by libdeflate; every body that
/// call declines goes through zlib's streaming decoder in the chunks it arrived in, so what a user sees
/// (bytes, decoded length, the error and where it was found) is what streaming alone gives.
@Suite struct WholeBodyDecodingTests {
    /// Text that compresses about tenfold, `lines` lines long.
    private static func text(lines: Int) -> [UInt8] {
        var generator = SplitMix64(seed: 7)
        var text: [UInt8] = []
        for line in 0..<lines {
            text += Array("{\"line\":\(line),\"value\":\(generator.next() % 1000),\"tag\":\"abcdefgh\"}\n".utf8)
        }
        return text
    }

    private static let plain = text(lines: 2_000)
    private static let gzip = ZlibCompressor.compress(plain, wrapper: .gzip)

    /// The bodies the one-call decoder must decline, and why.
    private static let declined: [(name: String, body: [UInt8])] = {
        let second = ZlibCompressor.compress(Array("second member".utf8), wrapper: .gzip)
        var lyingSize = gzip
        lyingSize[lyingSize.count - 4] ^= 0x01
        var corrupt = gzip
        corrupt[corrupt.count / 2] ^= 0xFF
        var badCRC = gzip
        badCRC[badCRC.count - 8] ^= 0x01
        return [
            ("two members", gzip + second),
            ("trailing bytes", gzip + [0, 0, 0, 0, 0]),
            ("a trailer whose size lies", lyingSize),
            ("corrupt data", corrupt),
            ("a wrong CRC-32", badCRC),
            ("truncated", Array(gzip.prefix(gzip.count - 9))),
            ("a zlib stream sent as gzip", ZlibCompressor.compress(plain, wrapper: .zlib)),
        ]
    }()

    @Test func aPlainGzipBodyIsDecodedInOneCall() {
        let decoder = ContentDecoder(codings: [.gzip])
        var output = ByteBuffer()
        #expect(decoder.decodeWhole(ByteBuffer(bytes: Self.gzip)) { output.writeBytes($0) })
        decoder.finish()
        #expect(decoder.error == nil)
        #expect(Array(output.readableBytesView) == Self.plain)
        #expect(decoder.inputByteCount == Self.gzip.count)
        #expect(decoder.outputByteCount == Self.plain.count)
    }

    @Test func everyOtherBodyIsDeclinedWithNothingChanged() {
        for (name, body) in Self.declined {
            let decoder = ContentDecoder(codings: [.gzip])
            var emitted = 0
            #expect(!decoder.decodeWhole(ByteBuffer(bytes: body)) { emitted += $0.count }, "\(name)")
            #expect(emitted == 0 && decoder.inputByteCount == 0 && decoder.error == nil, "\(name)")
        }
        // 32 MiB of zeros: a 32 KiB body that would be one 32 MiB buffer; it streams instead.
        let zeros = ZlibCompressor.compress([UInt8](repeating: 0, count: 32 << 20), wrapper: .gzip)
        #expect(!ContentDecoder(codings: [.gzip], maxOutputBytes: 1 << 30).decodeWhole(ByteBuffer(bytes: zeros)) { _ in })
        let beyondTheCap = ContentDecoder(codings: [.gzip], maxOutputBytes: Self.plain.count - 1)
        #expect(!beyondTheCap.decodeWhole(ByteBuffer(bytes: Self.gzip)) { _ in })
        let brotli = ContentDecoder(codings: [.brotli])
        #expect(!brotli.decodesWholeBodies)
        let stacked = ContentDecoder(codings: [.gzip, .gzip])
        #expect(!stacked.decodesWholeBodies)
    }

    /// `BodyDecoder` against zlib's streaming decoder fed the same chunks, for the plain body and every
    /// declined one, in chunks smaller and bigger than the 32 KiB batch, and in more chunks than are held.
    @Test(arguments: [1, 1_460, 40_000])
    func bodyDecoderGivesWhatStreamingGives(chunkSize: Int) throws {
        for (name, body) in [("plain", Self.gzip)] + Self.declined {
            let chunks = stride(from: 0, to: body.count, by: chunkSize).map {
                ByteBuffer(bytes: body[$0..<min(body.count, $0 + chunkSize)])
            }
            let bodyDecoder = BodyDecoder(codings: [.gzip], maxOutputBytes: 1 << 30, keepLimit: 1 << 30, storage: .init())
            for chunk in chunks { bodyDecoder.decode(chunk) }
            let result = bodyDecoder.finish()

            let streaming = ContentDecoder(codings: [.gzip], maxOutputBytes: 1 << 30)
            var expected = ByteBuffer()
            // BodyDecoder gathers chunks smaller than its batch until the body ends.
            if chunkSize < BodyDecoder.batchSize {
                streaming.decode(ByteBuffer(bytes: body)) { expected.writeBytes($0) }
            } else {
                for chunk in chunks { streaming.decode(chunk) { expected.writeBytes($0) } }
            }
            streaming.finish()

            #expect(Array(try result.bytes.readAll().readableBytesView) == Array(expected.readableBytesView), "\(name)")
            #expect(result.length == streaming.outputByteCount, "\(name)")
            #expect(result.error == streaming.error, "\(name): \(String(describing: result.error))")
        }
    }

    /// Feeds `body` to a `BodyDecoder` in TCP-sized chunks; also the most of `pool`'s memory allowance
    /// in use meanwhile.
    private static func decodeInChunks(_ body: [UInt8], keepLimit: Int, pool: BodyStoragePool) -> (BodyDecoder.Result, peak: Int) {
        let decoder = BodyDecoder(codings: [.gzip], maxOutputBytes: 1 << 30, keepLimit: keepLimit, storage: .init(pool: pool))
        var peak = 0
        for start in stride(from: 0, to: body.count, by: 1_460) {
            decoder.decode(ByteBuffer(bytes: body[start..<min(body.count, start + 1_460)]))
            peak = max(peak, pool.usedMemoryBytes)
        }
        return (decoder.finish(), peak)
    }

    /// A body past `wholeBodyLimit` is held whole while the pool's memory allowance has room for it,
    /// and gives that room back once decoded; without room it streams. Either way the result is the
    /// same, for a plain body and for one the one-call decoder declines (corrupt half way).
    @Test(arguments: [0, 1 << 30])
    func aLargeBodyIsHeldWithinThePoolsAllowance(keepLimit: Int) throws {
        let big = Self.text(lines: 100_000)
        let encoded = ZlibCompressor.compress(big, wrapper: .gzip)
        #expect(encoded.count > BodyDecoder.wholeBodyLimit && encoded.count <= BodyDecoder.largeWholeBodyLimit)
        var corrupt = encoded
        corrupt[corrupt.count / 2] ^= 0xFF
        for (name, body) in [("plain", encoded), ("corrupt", corrupt)] {
            let roomy = BodyStoragePool(maxMemoryBytes: 16 << 20)
            do {
                let (held, heldPeak) = Self.decodeInChunks(body, keepLimit: keepLimit, pool: roomy)
                let none = BodyStoragePool(maxMemoryBytes: 0)
                let (streamed, streamedPeak) = Self.decodeInChunks(body, keepLimit: keepLimit, pool: none)
                #expect(heldPeak >= body.count - BodyDecoder.wholeBodyLimit, "\(name): held, drawing on the allowance")
                #expect(streamedPeak == 0, "\(name)")
                #expect(held.length == streamed.length && held.error == streamed.error, "\(name)")
                #expect(try held.bytes.readAll() == streamed.bytes.readAll(), "\(name)")
                if name == "plain" {
                    #expect(held.error == nil && held.length == big.count)
                } else {
                    #expect(held.error != nil)
                }
            }
            // Given back once decoded (the decoded bytes kept, which draw on it too, are gone here).
            #expect(roomy.usedMemoryBytes == 0, "\(name)")
        }
    }

    /// A body over the hold limit is never held whole: it streams, batch by batch.
    @Test func aBodyOverTheHoldLimitStreams() throws {
        let big = Self.text(lines: 1_000_000)
        let encoded = ZlibCompressor.compress(big, wrapper: .gzip)
        #expect(encoded.count > BodyDecoder.largeWholeBodyLimit, "the sample must exceed the limit to test it")
        let pool = BodyStoragePool(maxMemoryBytes: 64 << 20)
        let (result, peak) = Self.decodeInChunks(encoded, keepLimit: 0, pool: pool)
        #expect(result.error == nil && result.length == big.count)
        #expect(peak <= BodyDecoder.largeWholeBodyLimit, "held up to the limit at most, then streamed")
    }
}
