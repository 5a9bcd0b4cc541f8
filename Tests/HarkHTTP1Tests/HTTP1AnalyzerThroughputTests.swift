import Foundation
import HarkCore
import HarkHTTP1
import NIOCore
import Testing

/// A micro-measure of parsing speed, run on demand in release mode:
/// `HARK_BENCH=1 swift test -c release --filter HTTP1AnalyzerThroughputTests`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["HARK_BENCH"] != nil, "a throughput benchmark: set HARK_BENCH=1 to run it"))
struct HTTP1AnalyzerThroughputTests {
    /// Feeds `pairs` keep-alive request/response pairs as 1460-byte segments and reports MB/s, best
    /// of five runs (the machine is shared).
    private func measure(bodySize: Int, pairs defaultPairs: Int, label: String) {
        let pairs = ProcessInfo.processInfo.environment["HARK_BENCH_PAIRS"].flatMap { Int($0) } ?? defaultPairs
        let request = ByteBuffer(string: CorpusMessages.firefoxCSSRequest)
        var response = ByteBuffer(
            string: wire(
                "HTTP/1.1 200 OK",
                "Date: Wed, 18 Nov 2009 20:53:15 GMT",
                "Cache-Control: max-age=900",
                "Connection: Keep-Alive",
                "ETag: \"a73-5bb68800\"",
                "Server: Apache",
                "Last-Modified: Wed, 26 Aug 2009 03:50:56 GMT",
                "Accept-Ranges: bytes",
                "Keep-Alive: timeout=20, max=914",
                "Content-Type: text/css",
                "Content-Length: \(bodySize)",
                "",
                ""
            )
        )
        response.writeBytes(repeatElement(UInt8(ascii: "x"), count: bodySize))
        var segments: [ByteBuffer] = []
        var offset = response.readerIndex
        while offset < response.writerIndex {
            let length = min(1460, response.writerIndex - offset)
            segments.append(response.getSlice(at: offset, length: length) ?? ByteBuffer())
            offset += length
        }
        let bytesPerPair = request.readableBytes + response.readableBytes
        var seconds = Double.infinity
        for _ in 0..<5 {
            var analyzer = HTTP1Analyzer()
            var exchanges = 0
            let start = DispatchTime.now().uptimeNanoseconds
            for pair in 0..<pairs {
                let time = Timestamp(nanoseconds: Int64(pair))
                analyzer.receive(request, from: .clientToServer, at: time) { _ in }
                for segment in segments {
                    analyzer.receive(segment, from: .serverToClient, at: time) { event in
                        if case .exchange = event { exchanges += 1 }
                    }
                }
            }
            seconds = min(seconds, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            #expect(exchanges == pairs)
        }
        let megabytes = Double(bytesPerPair * pairs) / 1e6
        print(
            "HTTP/1 throughput, \(label): \(Int(megabytes / seconds)) MB/s, \(Int(Double(pairs) / seconds)) exchanges/s"
        )
    }

    @Test func keepAlivePairsWithSmallBodies() {
        measure(bodySize: 200, pairs: 50_000, label: "200-byte bodies")
    }

    @Test func keepAlivePairsWithTypicalBodies() {
        measure(bodySize: 8_000, pairs: 20_000, label: "8 KB bodies")
    }
}
