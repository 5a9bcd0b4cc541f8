import Foundation
import HarkCapture
import HarkCore
import HarkReassembly
import HarkSession
import HarkTestSupport
import NIOCore
import Testing

/// A session whose connections are analysed on two or three worker threads reports exactly what one
/// thread reports, in the same order: connections, TCP events, exchanges (ids, links between hops,
/// bodies), messages, diagnostics and counts (issue 18). Reassembly limits are also tightened, so
/// that eviction, idle expiry and port reuse end connections of different workers in one step.
struct AnalysisThreadsTests {
    @Test(arguments: Fixtures.allCapturePaths)
    func workersChangeNothing(capture: String) throws {
        let url = URL(fileURLWithPath: capture)
        var configuration = corpusConfiguration(url)
        for tight in [false, true] {
            if tight {
                configuration.reassembly.maxTrackedConnections = 3
                configuration.reassembly.idleTimeout = .seconds(2)
                configuration.reassembly.closedLinger = .milliseconds(200)
            }
            let one = try report(CaptureReader(path: url.path), configuration, threads: 1)
            for threads in [2, 3] {
                let many = try report(CaptureReader(path: url.path), configuration, threads: threads)
                #expect(many == one, "\(capture), \(threads) threads, tight limits: \(tight)")
            }
        }
    }

    @Test func damagedCapturesReportTheSameWithWorkers() throws {
        var generator = SplitMix64(seed: 0x7468_7264)
        let captures = [
            "http1-browse-bro-org.pcap", "h2c-prior-knowledge-doh-post.pcap", "h2-tls13-youtube-dsb.pcapng",
            "tcp-ooo-retx-range-206.pcap", "fastcgi-nginx-phpfpm.pcap",
        ]
        for capture in captures {
            let original = try Fixtures.bytes(Fixtures.corpus(capture))
            for variant in 0..<6 {
                let bytes = DamagedCapture.variant(variant, of: original, using: &generator)
                guard let one = try? report(CaptureReader(bytes: ByteBuffer(bytes: bytes), name: capture), SessionConfiguration(), threads: 1)
                else { continue }
                let two = try report(CaptureReader(bytes: ByteBuffer(bytes: bytes), name: capture), SessionConfiguration(), threads: 2)
                #expect(two == one, "\(capture) variant \(variant)")
            }
        }
    }

    private func report(_ reader: CaptureReader, _ configuration: SessionConfiguration, threads: Int) throws -> SessionReport {
        var configuration = configuration
        configuration.analysisThreads = threads
        return SessionReport(reader, configuration: configuration)
    }
}
