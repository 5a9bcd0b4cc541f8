import Benchmark
import HarkCore
import HarkHTTP1
import NIOCore
import NIOHPACK

/// Head parsing and header decoding: HTTP/1 heads through hark's `HTTP1Analyzer`, HPACK blocks from a
/// real capture through NIOHPACK's `HPACKDecoder`, the decoder hark's HTTP/2 analyzer runs on every
/// header block while the connection's table history is known.
///
/// Where a benchmark needs state built first (a connection already in use, a filled dynamic table), it
/// builds it before `startMeasurement()`, so only the last step is measured.
func protocolBenchmarks() {
    let start = Timestamp(nanoseconds: 1_700_000_000_000_000_000)

    Benchmark("HTTP1Analyzer: browser request head (16 fields, 765 bytes), fresh analyzer") { benchmark in
        for _ in benchmark.scaledIterations {
            var analyzer = HTTP1Analyzer(decodesContent: false)
            analyzer.receive(HTTP1Heads.request, from: .clientToServer, at: start) { blackHole($0) }
            blackHole(analyzer)
        }
    }

    Benchmark("HTTP1Analyzer: request head + 304 response head (15 fields, 530 bytes) → exchange, keep-alive") { benchmark in
        var analyzer = HTTP1Analyzer(decodesContent: false)
        var exchanges = 0
        // One exchange first, so the measured one is the next on a connection in use.
        analyzer.receive(HTTP1Heads.request, from: .clientToServer, at: start) { _ in }
        analyzer.receive(HTTP1Heads.response, from: .serverToClient, at: start) { _ in }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            analyzer.receive(HTTP1Heads.request, from: .clientToServer, at: start) { _ in }
            analyzer.receive(HTTP1Heads.response, from: .serverToClient, at: start) { event in
                if case .exchange = event { exchanges &+= 1 }
            }
        }
        blackHole(exchanges)
    }

    let blocks = HPACKBlocks.requestBlocks()
    guard blocks.count > 4 else {
        print("HPACK benchmarks skipped: cannot read the header blocks of h2c-prior-knowledge-doh-post.pcap")
        return
    }

    Benchmark("HPACK: first request block (12 fields, 180 bytes), cold table") { benchmark in
        for _ in benchmark.scaledIterations {
            var decoder = HPACKDecoder(allocator: ByteBufferAllocator())
            var block = blocks[0]
            blackHole(try decoder.decodeHeaders(from: &block))
        }
    }

    Benchmark("HPACK: fifth request block (12 fields, 21 bytes, all indexed but :path), warm table") { benchmark in
        var decoder = HPACKDecoder(allocator: ByteBufferAllocator())
        for index in 0..<4 {
            var block = blocks[index]
            _ = try decoder.decodeHeaders(from: &block)
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var block = blocks[4]
            blackHole(try decoder.decodeHeaders(from: &block))
        }
    }
}
