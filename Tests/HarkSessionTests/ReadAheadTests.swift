import Foundation
import HarkCapture
import HarkCore
import HarkModel
import HarkReassembly
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
                var bytes = original
                for _ in 0..<(1 + variant * 4) {
                    let index = Int.random(in: 32..<bytes.count, using: &generator)
                    bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &generator)
                }
                if variant % 2 == 1 { bytes.removeLast(Int.random(in: 1..<(bytes.count / 2), using: &generator)) }
                guard let together = try? report(CaptureReader(bytes: ByteBuffer(bytes: bytes), name: capture), readsAhead: false)
                else { continue }
                let ahead = try report(CaptureReader(bytes: ByteBuffer(bytes: bytes), name: capture), readsAhead: true)
                #expect(ahead == together, "\(capture) variant \(variant)")
            }
        }
    }

    /// What a session reports, comparable as a whole.
    private struct Report: Equatable {
        var connections: [ConnectionRecord]
        var events: [TCPEvent]
        var exchanges: [String]
        var diagnostics: [Diagnostic]
        var statistics: SessionStatistics
    }

    private func report(_ reader: CaptureReader, readsAhead: Bool) throws -> Report {
        var configuration = SessionConfiguration()
        configuration.readsAhead = readsAhead
        var recorder = SessionRecorder()
        let statistics = CaptureSession(reader: reader, configuration: configuration).run(observer: &recorder)
        return Report(
            connections: recorder.connections,
            events: recorder.events,
            exchanges: recorder.exchanges.map(summary),
            diagnostics: recorder.diagnostics,
            statistics: statistics
        )
    }

    /// An exchange's identity and outcome in one line.
    private func summary(_ exchange: Exchange) -> String {
        let response = exchange.response.map { "\($0.status.rawValue) \($0.body.length) bytes" } ?? "no response"
        return "#\(exchange.id) conn \(exchange.connection.id)/\(exchange.indexOnConnection) "
            + "\(exchange.request.method.rawValue) \(exchange.request.target) \(exchange.request.body.length) bytes → "
            + "\(response); \(exchange.problems)"
    }
}
