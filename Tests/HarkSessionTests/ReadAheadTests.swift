import Foundation
import HarkCapture
import HarkSession
import HarkTestSupport
import NIOCore
import Testing

/// A session that reads ahead on a second thread reports exactly what a single-threaded one reports,
/// in the same order: connections, TCP events, exchanges, diagnostics and counts.
struct ReadAheadTests {
    @Test(arguments: Fixtures.corpusCaptures)
    func readingAheadChangesNothing(capture: String) throws {
        let path = Fixtures.corpus(capture).path
        let together = try report(try CaptureReader(path: path), readsAhead: false)
        let ahead = try report(try CaptureReader(path: path), readsAhead: true)
        #expect(ahead == together)
    }

    @Test func damagedCapturesReportTheSameDiagnosticsInTheSameOrder() throws {
        var generator = SplitMix64(seed: 0x7265_6164)
        for capture in ["http1-browse-bro-org.pcap", "h2c-prior-knowledge-doh-post.pcap", "h2-tls13-youtube-dsb.pcapng"] {
            let original = try Fixtures.bytes(Fixtures.corpus(capture))
            for variant in 0..<6 {
                let bytes = DamagedCapture.variant(variant, of: original, using: &generator)
                guard let together = try? report(CaptureReader(bytes: ByteBuffer(bytes: bytes), name: capture), readsAhead: false)
                else { continue }
                let ahead = try report(CaptureReader(bytes: ByteBuffer(bytes: bytes), name: capture), readsAhead: true)
                #expect(ahead == together, "\(capture) variant \(variant)")
            }
        }
    }

    private func report(_ reader: CaptureReader, readsAhead: Bool) throws -> SessionReport {
        var configuration = SessionConfiguration()
        configuration.readsAhead = readsAhead
        return SessionReport(reader, configuration: configuration)
    }
}
