import HarkCore
import HarkQUIC
import Testing

@testable import HarkHTTP3

/// HTTP/3 field sections blocked on QPACK inserts hold their frames against the session's QUIC buffer
/// budget (`ByteBudget`).
@Suite struct HTTP3BufferBudgetTests {
    /// Runs the request of RFC 9204 B.2 whose section arrives before the client's inserts.
    static func run(budget: ByteBudget) -> ([HTTP3Exchange], [String]) {
        var analyzer = HTTP3Analyzer()
        analyzer.bufferBudget = budget
        var exchanges: [HTTP3Exchange] = []
        var diagnostics: [String] = []
        var peak = 0
        let take: (HTTP3Event) -> Void = { event in
            switch event {
            case .exchange(let exchange): exchanges.append(exchange)
            case .diagnostic(let text, _): diagnostics.append(text)
            }
        }
        let settings = HTTP3AnalyzerTests.serverSettings
        let inserts = HTTP3AnalyzerTests.clientInserts
        let steps: [HTTP3PushTests.Step] = [
            (settings.stream, settings.direction, settings.hex, false),
            // HEADERS (5-byte section) needing two inserts, then DATA "hi" held behind it; FIN.
            (0, .clientToServer, "01 05 0381 10 11 d1 00 02 6869", true),
            (0, .serverToClient, "01 03 0000 d9", true),
            (inserts.stream, inserts.direction, inserts.hex, false),
        ]
        for step in steps {
            analyzer.receive(streamID: step.stream, direction: step.direction, bytes: HTTP3AnalyzerTests.bytes(step.hex), at: HTTP3AnalyzerTests.time) { take($0) }
            peak = max(peak, budget.usedBytes)
            if step.fin { analyzer.finish(streamID: step.stream, direction: step.direction, at: HTTP3AnalyzerTests.time) { take($0) } }
        }
        analyzer.finishConnection(at: HTTP3AnalyzerTests.time) { take($0) }
        #expect(peak <= budget.limit)
        return (exchanges, diagnostics)
    }

    @Test func aBlockedSectionWithinTheBudgetWaitsAndGivesItsBytesBack() {
        let budget = ByteBudget(limit: 100)
        let (exchanges, diagnostics) = Self.run(budget: budget)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(exchanges.first?.request?.path == "/sample/path")
        #expect(exchanges.first?.request?.body.length == 2)
        #expect(budget.usedBytes == 0 && budget.givenUpCount == 0)
    }

    @Test func aBlockedSectionOverTheBudgetIsGivenUpAndSaidWhy() {
        let budget = ByteBudget(limit: 4)
        let (exchanges, diagnostics) = Self.run(budget: budget)
        #expect(budget.givenUpCount == 1)
        #expect(budget.usedBytes == 0)
        #expect(diagnostics == [
            "the session's QUIC buffer budget (4 bytes held while waiting) is used up: sections blocked on QPACK inserts are given up"
        ])
        #expect(exchanges.first?.request == nil)
        #expect(exchanges.first?.issues.contains("request headers not decoded: they need QPACK inserts that did not come in time") == true)
    }

    @Test func framesBehindABlockedSectionCountTooAndStopTheSideWhenTheyDoNotFit() {
        // The 5-byte section fits; the 2 bytes of DATA behind it do not.
        let budget = ByteBudget(limit: 6)
        let (exchanges, diagnostics) = Self.run(budget: budget)
        #expect(budget.givenUpCount == 1)
        #expect(budget.usedBytes == 0)
        #expect(diagnostics.count == 1)
        #expect(exchanges.first?.issues.contains("request headers blocked on QPACK inserts for too long: the rest of it is not read") == true)
    }
}
