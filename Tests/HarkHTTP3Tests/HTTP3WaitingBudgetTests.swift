import HarkCore
import Testing

@testable import HarkHTTP3

/// The session's budget for requests waiting for responses (`HTTP3Limits.waitingRequests`): a request
/// stream that does not fit makes its own connection give up its oldest request still waiting.
@Suite struct HTTP3WaitingBudgetTests {
    private static let givenUp = "response incomplete: the session held too many requests waiting for responses (memory budget)"
    /// HEADERS with :method GET, :path / and :scheme https from the static table (17, 1, 23).
    private static let get = HTTP3AnalyzerTests.bytes("01 05 0000 d1 c1 d7")
    /// HEADERS :status 200 (static 25).
    private static let ok = HTTP3AnalyzerTests.bytes("01 03 0000 d9")

    @Test func aRequestThatDoesNotFitGivesUpTheOldestWaitingOne() {
        let budget = ByteBudget(limit: 3 * HTTP3RequestState.cost)
        var limits = HTTP3Limits()
        limits.waitingRequests = budget
        var analyzer = HTTP3Analyzer(limits: limits)
        var exchanges: [HTTP3Exchange] = []
        let take = { (event: HTTP3Event) in if case .exchange(let exchange) = event { exchanges.append(exchange) } }
        let time = HTTP3AnalyzerTests.time
        for stream in stride(from: UInt64(0), through: 16, by: 4) {
            analyzer.receive(streamID: stream, direction: .clientToServer, bytes: Self.get, at: time, emit: take)
            analyzer.finish(streamID: stream, direction: .clientToServer, at: time, emit: take)
            #expect(budget.usedBytes <= budget.limit, "after stream \(stream)")
        }
        #expect(exchanges.map(\.streamID) == [0, 4])
        #expect(exchanges.map(\.issues) == [[Self.givenUp], [Self.givenUp]])
        #expect(budget.givenUpCount == 2)
        for stream in [UInt64(8), 12, 16] {
            analyzer.receive(streamID: stream, direction: .serverToClient, bytes: Self.ok, at: time, emit: take)
            analyzer.finish(streamID: stream, direction: .serverToClient, at: time, emit: take)
        }
        #expect(exchanges.map(\.streamID) == [0, 4, 8, 12, 16])
        #expect(exchanges.dropFirst(2).allSatisfy { $0.issues.isEmpty && $0.response?.status == 200 })
        #expect(budget.usedBytes == 0, "every request gave its bytes back as it ended")
    }
}
