import Benchmark
import HarkCapture
import HarkCore
import HarkPacket
import HarkReassembly
import NIOCore

/// Counts reassembled bytes and nothing else, so the benchmark measures reassembly alone.
struct ByteCounter: TCPStreamHandler {
    var bytes = 0

    mutating func deliver(_ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp, packetNumber: Int) {
        self.bytes &+= bytes.readableBytes
    }
}

/// The hot paths of `hark`, one benchmark each, measured in instructions and allocations so that a
/// regression shows up as a number. Every input is built in memory (or read from the corpus) before
/// measuring starts. Head parsing and HPACK decoding are in `protocolBenchmarks()`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.instructions, .mallocCountTotal, .wallClock],
        warmupIterations: 3,
        maxDuration: .seconds(2),
        maxIterations: 1_000
    )

    // What the harness itself allocates per iteration (16 mallocs with the malloc interposer on
    // Linux); subtract it from the other benchmarks' counts.
    Benchmark("Harness baseline: empty iteration") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(benchmark.scaledIterations.count)
        }
    }

    let packets = 1_000
    let capture = SyntheticTraffic.pcap(frames: packets)
    Benchmark("CaptureReader: walk 1,000 pcap records (1,514-byte frames, in memory)") { benchmark in
        for _ in benchmark.scaledIterations {
            let reader = try CaptureReader(bytes: capture, name: "memory")
            var frames = 0
            var bytes = 0
            while let record = reader.next() {
                if case .frame(let frame) = record {
                    frames &+= 1
                    bytes &+= frame.data.readableBytes
                }
            }
            blackHole(frames)
            blackHole(bytes)
        }
    }

    let frame = SyntheticTraffic.frame(payloadLength: SyntheticTraffic.fullSegment, sequence: 1)
    let time = Timestamp(nanoseconds: 1_700_000_000_000_000_000)
    Benchmark("PacketDecoder: decode 1,000 Ethernet/IPv4/TCP frames (1,448-byte payload)") { benchmark in
        var decoder = PacketDecoder()
        for _ in benchmark.scaledIterations {
            for _ in 0..<packets {
                blackHole(decoder.decode(frame, linkType: .ethernet, timestamp: time))
            }
        }
    }

    let connection = SyntheticTraffic.connection(dataSegments: 1_000)
    Benchmark("TCPReassembler: one connection, 1,000 in-order data segments + 500 ACKs") { benchmark in
        for _ in benchmark.scaledIterations {
            var reassembler = TCPReassembler()
            var counter = ByteCounter()
            for (number, item) in connection.enumerated() {
                reassembler.process(item.segment, at: item.time, packetNumber: number &+ 1, handler: &counter)
            }
            reassembler.finish(handler: &counter)
            blackHole(counter.bytes)
        }
    }

    protocolBenchmarks()
}
