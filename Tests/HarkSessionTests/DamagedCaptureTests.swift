import Foundation
import HarkCore
import HarkModel
import HarkSession
import HarkTestSupport
import Testing

/// Hostile input through the whole pipeline: truncated files and flipped bits in packet headers and
/// payloads must never crash hark, and what is readable is still read. TLS captures run with their key
/// logs, so damaged records go through decryption (and fail authentication) too.
struct DamagedCaptureTests {
    /// Captures small enough to run many variants of in a debug build.
    static let captures = Fixtures.corpusCaptures.filter { name in
        let size = (try? FileManager.default.attributesOfItem(atPath: Fixtures.corpus(name).path)[.size] as? Int) ?? 0
        return size < 600_000
    }

    @Test(arguments: captures)
    func bitFlipsAndTruncationNeverCrash(capture: String) throws {
        let original = try Fixtures.bytes(Fixtures.corpus(capture))
        let configuration = corpusConfiguration(Fixtures.corpus(capture))
        var random = SplitMix64(seed: 0x6861_726b)
        let (clean, cleanStatistics) = try runSession(bytes: original, name: capture, configuration: configuration)
        // The undamaged capture reads cleanly: nothing from the capture reader or packet decoding
        // (diagnostics tied to no connection). Protocol layers may report on the traffic itself
        // (lenient request lines, HTTP/0.9, capture gaps).
        let readProblems = clean.diagnostics.filter { $0.connectionID == nil }
        #expect(readProblems.isEmpty, "\(readProblems)")

        for variant in 0..<12 {
            var damaged = original
            let headerSize = 64
            guard damaged.count > headerSize else { continue }
            if variant % 3 == 2 {
                damaged.removeLast(Int(random.next(upperBound: UInt64(damaged.count - headerSize))))
            } else {
                let flips = 1 + Int(random.next(upperBound: UInt64(40)))
                for _ in 0..<flips {
                    let index = headerSize + Int(random.next(upperBound: UInt64(damaged.count - headerSize)))
                    damaged[index] ^= UInt8(1) << UInt8(random.next(upperBound: UInt64(8)))
                }
            }
            let (_, statistics) = try runSession(bytes: damaged, name: "\(capture)#\(variant)", configuration: configuration)
            #expect(statistics.frames <= cleanStatistics.frames + 64, "damage does not invent many packets")
        }
    }

    @Test func truncatedCaptureStillReportsItsConnections() throws {
        var bytes = try Fixtures.bytes(Fixtures.corpus("http1-browse-bro-org.pcap"))
        bytes.removeLast(bytes.count / 2)
        let (recorder, statistics) = try runSession(bytes: bytes, name: "half.pcap")
        #expect(statistics.frames > 300)
        #expect(!recorder.connections.isEmpty)
        let diagnostic = try #require(recorder.diagnostics.first)
        #expect(diagnostic.description.contains("half.pcap"))
        #expect(diagnostic.packetNumber != nil)
    }
}
