import Foundation
import HarkCore
import HarkModel
import HarkQUIC
import HarkSession
import HarkTestSupport
import Testing

/// The session's QUIC buffer budget (`SessionConfiguration.quic.maxBufferedBytesPerSession`) on the
/// aioquic recording with datagrams of the large response left out.
struct QUICBufferBudgetSessionTests {
    @Test func aSmallBudgetGivesUpTheHoleEarlyCountsItAndKeepsEveryOtherExchangeWhole() throws {
        let url = try QUICSessionTests.edited(dropping: 100..<120)
        defer { try? FileManager.default.removeItem(at: url) }
        var configuration = QUICSessionTests.configuration(keyed: true)
        configuration.quic.maxBufferedBytesPerSession = 50_000
        let (recorder, statistics) = try runSession(url.path, configuration: configuration)
        #expect(statistics.quicBufferEvictions > 0)
        #expect(recorder.diagnostics.contains {
            $0.message.hasSuffix("stopped waiting for missing bytes: the session's QUIC buffer budget (50000 bytes) was used up")
        })
        #expect(recorder.diagnostics.contains { $0.message.contains("held while waiting) is used up") && $0.connectionID == 0 })
        #expect(recorder.exchanges.count == 7)
        let large = try #require(recorder.exchanges.first { $0.request.target == "/large" })
        #expect((large.response?.body.missingBytes ?? 0) > 0)
        for exchange in recorder.exchanges where exchange.request.target != "/large" {
            #expect(exchange.isComplete, "\(exchange.request.target): \(exchange.problems)")
        }
        // With the default budget the same capture has no eviction, and /large misses as many bytes.
        let (unbounded, defaults) = try runSession(url.path, configuration: QUICSessionTests.configuration(keyed: true))
        #expect(defaults.quicBufferEvictions == 0)
        let missing = unbounded.exchanges.first { $0.request.target == "/large" }?.response?.body.missingBytes
        #expect(missing == large.response?.body.missingBytes)
    }
}
