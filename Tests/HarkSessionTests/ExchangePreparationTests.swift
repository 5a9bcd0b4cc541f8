import Foundation
import HarkCapture
import HarkCore
import HarkModel
import HarkSession
import HarkTestSupport
import Testing

/// An observer's `ExchangePreparer` runs on the worker threads: with workers, each exchange reaches
/// `exchange(_:prepared:)` with what was made of it there, except an exchange the session linked to
/// another hop afterwards (what was prepared did not know the link); with one thread, nothing is
/// prepared.
struct ExchangePreparationTests {
    /// Prepares the exchange's request line and connection: what the test checks arrives with it.
    private struct RequestLine: ExchangePreparer {
        func prepare(_ exchange: Exchange) -> (any Sendable)? {
            Self.line(exchange)
        }

        static func line(_ exchange: Exchange) -> String {
            "\(exchange.connection.id) \(exchange.request.method.rawValue) \(exchange.request.target)"
        }
    }

    /// Records each exchange with what came prepared with it.
    private struct Recorder: SessionObserver {
        var received: [(exchange: Exchange, prepared: String?)] = []

        var exchangePreparer: (any ExchangePreparer)? { RequestLine() }

        mutating func exchange(_ exchange: Exchange, prepared: (any Sendable)?) {
            received.append((exchange, prepared as? String))
        }
    }

    private func received(_ capture: String, threads: Int) throws -> [(exchange: Exchange, prepared: String?)] {
        try received(at: Fixtures.corpus(capture).path, threads: threads)
    }

    private func received(at path: String, threads: Int) throws -> [(exchange: Exchange, prepared: String?)] {
        var configuration = SessionConfiguration()
        configuration.analysisThreads = threads
        var recorder = Recorder()
        _ = CaptureSession(reader: try CaptureReader(path: path), configuration: configuration).run(observer: &recorder)
        return recorder.received
    }

    /// Real nginx in front of real PHP-FPM, both hops captured: the session links each client HTTP
    /// exchange with the FastCGI exchange that served it, after a worker prepared the HTTP exchange.
    @Test(.enabled(if: FastCGILoopbackRecorder.unavailableReason == nil, "\(FastCGILoopbackRecorder.unavailableReason ?? "")"))
    func workersPrepareEveryExchangeTheSessionDoesNotLinkAfterwards() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-prepare-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recording = try FastCGILoopbackRecorder.record(directory: directory)
        for threads in [2, 3] {
            let received = try received(at: recording.capture.path, threads: threads)
            // FastCGI exchanges go to the hop linker, never to the preparer.
            #expect(received.allSatisfy { $0.exchange.applicationProtocol != .fastCGI || $0.prepared == nil })
            let http = received.filter { $0.exchange.applicationProtocol != .fastCGI }
            let linked = http.filter { $0.exchange.upstream != nil || $0.exchange.downstream != nil }
            let unlinked = http.filter { $0.exchange.upstream == nil && $0.exchange.downstream == nil }
            #expect(!linked.isEmpty, "\(threads) threads: no HTTP exchange linked")
            for (exchange, prepared) in linked {
                #expect(prepared == nil, "exchange \(exchange.id) was linked after it was prepared")
            }
            for (exchange, prepared) in unlinked {
                #expect(prepared == RequestLine.line(exchange), "exchange \(exchange.id), \(threads) threads")
            }
        }
    }

    @Test func oneThreadPreparesNothing() throws {
        let received = try received("http1-browse-bro-org.pcap", threads: 1)
        #expect(!received.isEmpty)
        #expect(received.allSatisfy { $0.prepared == nil })
    }

    @Test func workersPrepareOnEveryConnection() throws {
        let received = try received("http1-browse-bro-org.pcap", threads: 2)
        #expect(Set(received.map(\.exchange.connection.id)).count > 1)
        for (exchange, prepared) in received {
            #expect(prepared == RequestLine.line(exchange), "exchange \(exchange.id)")
        }
    }
}
