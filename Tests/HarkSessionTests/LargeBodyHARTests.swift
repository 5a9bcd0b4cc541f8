import Foundation
import HarkCapture
import HarkCore
import HarkFormat
import HarkHAR
import HarkModel
import HarkSession
import HarkTestSupport
import NIOCore
import Testing

/// A capture with 40 MB responses, plain and gzip'd: the bodies go to disk on the way, and the HAR holds
/// every byte of them. (Peak memory is measured on the built binary by `Scripts/bench-large-bodies`.)
@Suite struct LargeBodyHARTests {
    /// Lower-case words: valid UTF-8 that JSON writes unescaped and gzip shrinks by about half.
    private static func text(_ count: Int) -> [UInt8] {
        var generator = SplitMix64(seed: 40)
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var word: UInt64 = 0
            for index in 0..<count {
                if index % 12 == 0 { word = generator.next() }
                let value = UInt8(truncatingIfNeeded: word) & 31
                word >>= 5
                buffer.initializeElement(at: index, to: value < 26 ? 0x61 &+ value : 0x20)
            }
            initialized = count
        }
    }

    private static func chunked(_ body: [UInt8], size: Int) -> [UInt8] {
        var wire: [UInt8] = []
        wire.reserveCapacity(body.count + body.count / size * 12 + 16)
        var start = 0
        while start < body.count {
            let end = min(body.count, start + size)
            wire += Array("\(String(end - start, radix: 16))\r\n".utf8)
            wire += body[start..<end]
            wire += [13, 10]
            start = end
        }
        return wire + Array("0\r\n\r\n".utf8)
    }

    /// Where `needle` first occurs in `haystack` from `start`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    @Test func harHoldsFortyMegabyteBodiesWhole() throws {
        let text = Self.text(40_000_000)
        let gzipped = ZlibCompressor.compress(text, wrapper: .gzip)
        var conversation = TCPConversation()
        conversation.client(Array("GET /plain HTTP/1.1\r\nHost: big.example\r\n\r\n".utf8))
        conversation.server(Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(text.count)\r\n\r\n".utf8) + text)
        conversation.client(Array("GET /gzip HTTP/1.1\r\nHost: big.example\r\n\r\n".utf8))
        conversation.server(
            Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
                + Self.chunked(gzipped, size: 100_000))
        conversation.close()

        // A pool whose shared memory allowance (8 MiB) cannot hold these bodies: they go to disk.
        var configuration = SessionConfiguration()
        configuration.bodyStorage = BodyStorageLimits(pool: BodyStoragePool(maxMemoryBytes: 8 << 20))
        let reader = try CaptureReader(bytes: ByteBuffer(bytes: conversation.pcap.bytes), name: "large-bodies.pcap")
        var recorder = SessionRecorder()
        _ = CaptureSession(reader: reader, configuration: configuration).run(observer: &recorder)
        try #require(recorder.exchanges.count == 2)
        let plain = try #require(recorder.exchanges[0].response?.body)
        let decoded = try #require(recorder.exchanges[1].response?.body)
        #expect(plain.bytes.isSpilled && plain.bytes.count == text.count && plain.decoded == nil)
        #expect(decoded.bytes.isSpilled && decoded.bytes.count == gzipped.count)
        #expect(decoded.decoded?.isSpilled == true && decoded.decodedLength == text.count)
        #expect(recorder.exchanges.allSatisfy { $0.problems.isEmpty })

        let spool = try HARSortingSpool(log: HARLog(creator: HARCreator(name: "hark", version: "test")))
        for exchange in recorder.exchanges { try spool.add(HAREntry(exchange: exchange)) }
        let sink = MemorySink()
        try spool.finish(to: sink)
        let har = sink.bytes
        let marker = Array(#""mimeType":"text/plain","text":""#.utf8)
        var from = 0
        for (index, expected) in [(0, text.count), (1, text.count)] {
            let start = try #require(Self.find(marker, in: har, from: from), "content.text of response \(index)")
            let textStart = start + marker.count
            try #require(textStart + expected < har.count)
            let same = har.withUnsafeBytes { written in
                text.withUnsafeBytes { original in
                    guard let left = written.baseAddress, let right = original.baseAddress else { return false }
                    return memcmp(left + textStart, right, expected) == 0
                }
            }
            #expect(same, "response \(index) text whole")
            #expect(har[textStart + expected] == UInt8(ascii: "\""), "response \(index) text ends there")
            from = textStart + expected
        }
        let sizes = Array(#""size":40000000,"compression":"#.utf8)
        #expect(Self.find(sizes, in: har) != nil, "content.size is the decoded size")
    }
}
