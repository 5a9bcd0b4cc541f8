import HarkContentCoding
import HarkCore
import NIOCore
import HarkTestSupport
import Testing

/// A JSON-ish body like the Docker API responses in the corpus, repeated so that it compresses.
private let sampleText = Array(
    String(
        repeating: #"{"Id":"cc4fc8e49cadbb8bc41437dc2f9979a72293eabc3f0ea5ce48b77f43cb1f1d5e","Warnings":[]}"# + "\n",
        count: 20
    ).utf8
)

/// `sampleText` compressed by libbrotlienc (quality 11, window 22) at test-writing time.
private let sampleBrotli: [UInt8] = [
    0x1b, 0xdf, 0x06, 0xf8, 0x1d, 0x07, 0x6e, 0xec, 0xc4, 0x46, 0x3b, 0x74, 0x4e, 0xaf, 0x15, 0xba, 0xf6,
    0xfa, 0xf8, 0xf7, 0xcd, 0xd4, 0x85, 0x34, 0xb8, 0xe7, 0x84, 0xb8, 0x90, 0x97, 0xf8, 0x08, 0x65, 0xc5,
    0xa2, 0x53, 0x35, 0xd9, 0x56, 0x67, 0x68, 0x04, 0x45, 0x6f, 0x53, 0x02, 0x6c, 0x71, 0xc7, 0x02, 0xd9,
    0x55, 0xb7, 0x60, 0x6c, 0xea, 0x0d, 0xd9, 0x08, 0x8f, 0x74, 0x91, 0xd0, 0xc9, 0x82, 0xee, 0x33, 0x79,
    0x30, 0x76, 0xcb, 0x7d, 0x4d, 0x51, 0xbc, 0xdc, 0x67, 0x08, 0xb5, 0x68, 0x21, 0x7f, 0xfa, 0x39, 0x00,
]

/// 4 MiB of zero bytes, brotli-compressed (14 bytes).
private let zerosBrotli: [UInt8] = [0x9b, 0xff, 0xff, 0x3f, 0xf8, 0x27, 0x00, 0xe2, 0xb1, 0x40, 0x20, 0xf7, 0xfe, 0x07]

/// "hello, stacked world\n" × 3, gzip-compressed (Python, mtime 0), then brotli-compressed:
/// what a server sends as `Content-Encoding: gzip, br`.
private let stackedGzipBrotli: [UInt8] = [
    0x8b, 0x15, 0x80, 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xcb, 0x48, 0xcd, 0xc9,
    0xc9, 0xd7, 0x51, 0x28, 0x2e, 0x49, 0x4c, 0xce, 0x4e, 0x4d, 0x51, 0x28, 0xcf, 0x2f, 0xca, 0x49, 0xe1,
    0xca, 0x20, 0x5a, 0x10, 0x00, 0x54, 0x66, 0x11, 0xf8, 0x3f, 0x00, 0x00, 0x00, 0x03,
]

/// Decodes `encoded` fed in pieces of `pieceSize` bytes (the whole body when nil).
private func decode(
    _ encoded: [UInt8],
    _ codings: [ContentCoding],
    maxOutputBytes: Int = ContentDecoder.defaultMaxOutputBytes,
    pieceSize: Int? = nil
) -> (bytes: [UInt8], error: ContentDecodingError?) {
    let decoder = ContentDecoder(codings: codings, maxOutputBytes: maxOutputBytes)
    var output = ByteBuffer()
    var start = 0
    repeat {
        let end = min(encoded.count, start + (pieceSize ?? encoded.count))
        decoder.decode(ByteBuffer(bytes: encoded[start..<end])) { output.writeBytes($0) }
        start = end
    } while start < encoded.count
    decoder.finish()
    return (Array(output.readableBytesView), decoder.error)
}

@Suite struct ContentDecoderTests {
    @Test(arguments: [
        (ZlibCompressor.Wrapper.gzip, ContentCoding.gzip),
        (.gzip, .xGzip),
        (.zlib, .deflate),
        (.raw, .deflate),
    ])
    func zlibCodingsRoundTrip(wrapper: ZlibCompressor.Wrapper, coding: ContentCoding) {
        let encoded = ZlibCompressor.compress(sampleText, wrapper: wrapper)
        let result = decode(encoded, [coding])
        #expect(result.error == nil)
        #expect(result.bytes == sampleText)
    }

    @Test func brotliDecodes() {
        let result = decode(sampleBrotli, [.brotli])
        #expect(result.error == nil)
        #expect(result.bytes == sampleText)
    }

    @Test func stackedCodingsAreUndoneInReverseOrder() {
        let result = decode(stackedGzipBrotli, ContentCoding.list(fromFieldValues: ["gzip, br"]))
        #expect(result.error == nil)
        #expect(String(decoding: result.bytes, as: UTF8.self) == String(repeating: "hello, stacked world\n", count: 3))
    }

    @Test func stackOfTwoZlibCodings() {
        let inner = ZlibCompressor.compress(sampleText, wrapper: .zlib)
        let outer = ZlibCompressor.compress(inner, wrapper: .gzip)
        let result = decode(outer, [.deflate, .identity, .gzip])
        #expect(result.error == nil)
        #expect(result.bytes == sampleText)
    }

    @Test(arguments: [1, 2, 3, 7, 100])
    func feedingInPiecesGivesTheSameOutput(pieceSize: Int) {
        let cases: [([UInt8], [ContentCoding])] = [
            (ZlibCompressor.compress(sampleText, wrapper: .gzip), [.gzip]),
            (ZlibCompressor.compress(sampleText, wrapper: .zlib), [.deflate]),
            (ZlibCompressor.compress(sampleText, wrapper: .raw), [.deflate]),
            (sampleBrotli, [.brotli]),
            (stackedGzipBrotli, [.gzip, .brotli]),
        ]
        for (encoded, codings) in cases {
            let whole = decode(encoded, codings)
            let pieces = decode(encoded, codings, pieceSize: pieceSize)
            #expect(pieces.bytes == whole.bytes, "\(codings) in \(pieceSize)-byte pieces")
            #expect(pieces.error == nil)
        }
    }

    @Test func identityAndEmptyListPassThrough() {
        #expect(decode(sampleText, [.identity]).bytes == sampleText)
        #expect(decode(sampleText, []).error == nil)
    }

    @Test func unknownCodingKeepsTheBodyAndSaysWhy() throws {
        let result = decode(sampleText, [.gzip, ContentCoding(rawValue: "zstd")])
        #expect(result.bytes == sampleText)
        let error = try #require(result.error)
        #expect(error.kind == .unsupportedCoding)
        #expect(error.coding.rawValue == "zstd")
    }

    @Test func gzipBombStopsAtTheCap() throws {
        let tenMegabytesOfZeros = [UInt8](repeating: 0, count: 10_000_000)
        let bomb = ZlibCompressor.compress(tenMegabytesOfZeros, wrapper: .gzip)
        #expect(bomb.count < 20_000)
        let result = decode(bomb, [.gzip], maxOutputBytes: 1 << 20)
        #expect(result.bytes.count == 1 << 20)
        #expect(result.bytes.allSatisfy { $0 == 0 })
        let error = try #require(result.error)
        #expect(error.kind == .outputLimitExceeded(limit: 1 << 20))
    }

    @Test func brotliBombStopsAtTheCap() {
        let result = decode(zerosBrotli, [.brotli], maxOutputBytes: 1 << 20)
        #expect(result.bytes.count == 1 << 20)
        #expect(result.error?.kind == .outputLimitExceeded(limit: 1 << 20))
        #expect(decode(zerosBrotli, [.brotli]).bytes.count == 4 << 20)
    }

    // Issue #16 hole 6: 64 MiB of zeros gzipped twice is a few hundred bytes; past the 16 MiB grace the
    // ratio limit stops it long before the 1 GiB cap.
    @Test func aStackedBombStopsAtTheRatioLimit() throws {
        let inner = ZlibCompressor.compress([UInt8](repeating: 0, count: 64 << 20), wrapper: .gzip)
        let bomb = ZlibCompressor.compress(inner, wrapper: .gzip)
        #expect(bomb.count < 4_000)
        let result = decode(bomb, [.gzip, .gzip], maxOutputBytes: 1 << 30)
        #expect(result.error?.kind == .ratioExceeded(limit: ContentDecoder.defaultMaxRatio))
        #expect(result.bytes.count > ContentDecoder.ratioGraceBytes)
        #expect(result.bytes.count < 64 << 20)
        #expect(result.error?.description.contains("decompression bomb") == true)
    }

    // Issue #16 hole 6: bodies of one run share a budget of decoded bytes.
    @Test func bodiesStopWhenTheRunsDecodedBudgetIsUsedUp() {
        let pool = BodyStoragePool(maxDecodedBytes: sampleText.count * 3 / 2)
        let encoded = ZlibCompressor.compress(sampleText, wrapper: .gzip)
        var results: [(count: Int, error: ContentDecodingError?)] = []
        for _ in 0..<3 {
            let decoder = ContentDecoder(codings: [.gzip], budget: pool)
            var count = 0
            decoder.decode(ByteBuffer(bytes: encoded)) { count += $0.count }
            decoder.finish()
            results.append((count, decoder.error))
        }
        #expect(results.map(\.count) == [sampleText.count, sampleText.count / 2, 0])
        #expect(results[0].error == nil)
        #expect(results[1].error?.kind == .runBudgetExhausted(limit: sampleText.count * 3 / 2))
        #expect(results[2].error?.kind == .runBudgetExhausted(limit: sampleText.count * 3 / 2))
    }

    @Test func outputOfExactlyTheCapIsNotAnError() {
        let result = decode(
            ZlibCompressor.compress(sampleText, wrapper: .gzip),
            [.gzip],
            maxOutputBytes: sampleText.count
        )
        #expect(result.error == nil)
        #expect(result.bytes == sampleText)
    }

    @Test func corruptDataIsReportedWithTheLibraryMessage() throws {
        var encoded = ZlibCompressor.compress(sampleText, wrapper: .gzip)
        for index in 12..<20 { encoded[index] ^= 0xa5 }
        let result = decode(encoded, [.gzip])
        let error = try #require(result.error)
        #expect(error.kind == .corruptData)
        #expect(error.detail != nil)
    }

    @Test func garbageNeverCrashesAnyDecoder() {
        var generator = SplitMix64(seed: 42)
        for coding in [ContentCoding.gzip, .deflate, .brotli] {
            for length in [1, 2, 10, 1000] {
                let garbage = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                let result = decode(garbage, [coding], maxOutputBytes: 1 << 16)
                #expect(result.error != nil, "\(length) random bytes as \(coding)")
            }
        }
    }

    @Test(arguments: [ContentCoding.gzip, .deflate, .brotli])
    func truncatedStreamIsReportedAtFinish(coding: ContentCoding) throws {
        let encoded: [UInt8] =
            switch coding {
            case .brotli: sampleBrotli
            case .deflate: ZlibCompressor.compress(sampleText, wrapper: .zlib)
            default: ZlibCompressor.compress(sampleText, wrapper: .gzip)
            }
        let result = decode(Array(encoded.prefix(encoded.count / 2)), [coding])
        let error = try #require(result.error)
        #expect(error.kind == .truncated)
        #expect(result.bytes.count < sampleText.count)
        #expect(Array(sampleText.prefix(result.bytes.count)) == result.bytes)
    }

    @Test func concatenatedGzipMembersAreAllDecoded() {
        let first = ZlibCompressor.compress(Array("first ".utf8), wrapper: .gzip)
        let second = ZlibCompressor.compress(Array("second".utf8), wrapper: .gzip)
        for pieceSize in [1, 5, first.count + second.count] {
            let result = decode(first + second, [.gzip], pieceSize: pieceSize)
            #expect(result.error == nil)
            #expect(String(decoding: result.bytes, as: UTF8.self) == "first second")
        }
    }

    @Test func bytesAfterTheStreamAreCountedNotDecoded() {
        let encoded = ZlibCompressor.compress(sampleText, wrapper: .gzip) + [0, 0, 0, 0, 0]
        for pieceSize in [1, 3, encoded.count] {
            let result = decode(encoded, [.gzip], pieceSize: pieceSize)
            #expect(result.bytes == sampleText)
            #expect(result.error?.kind == .trailingData(byteCount: 5), "pieces of \(pieceSize)")
        }
        let deflated = ZlibCompressor.compress(sampleText, wrapper: .raw) + Array("junk".utf8)
        #expect(decode(deflated, [.deflate]).error?.kind == .trailingData(byteCount: 4))
    }

    @Test func emptyBodyIsNotAnError() {
        let result = decode([], [.gzip, .brotli])
        #expect(result.error == nil)
        #expect(result.bytes.isEmpty)
    }

    @Test func tooManyStackedCodingsAreRefused() {
        let result = decode(sampleText, Array(repeating: .gzip, count: 5))
        #expect(result.error?.kind == .tooManyCodings(limit: ContentDecoder.maxStackedCodings))
        #expect(result.bytes == sampleText)
    }
}

