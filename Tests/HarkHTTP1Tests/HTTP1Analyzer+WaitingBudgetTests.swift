import HarkCore
import HarkHTTP1
import HarkTestSupport
import NIOCore
import Testing

/// The session's budget for requests waiting for responses (`HTTP1Limits.waitingRequests`): a request
/// that does not fit makes its own connection give up its oldest waiting request, emitted at once.
@Suite struct HTTP1AnalyzerWaitingBudgetTests {
    /// A request head of the same size whatever `number` is (one digit).
    private func request(_ number: Int) -> String { wire("GET /\(number) HTTP/1.1", "Host: a", "", "") }
    private let ok = wire("HTTP/1.1 200 OK", "Content-Length: 0", "", "")

    /// What one such request is charged, read off a budget.
    private func cost() -> Int {
        let budget = ByteBudget(limit: 32 << 20)
        var analyzer = HTTP1Analyzer(limits: HTTP1Limits(waitingRequests: budget))
        analyzer.receive(ByteBuffer(string: request(0)), from: .clientToServer, at: ms(0)) { _ in }
        return budget.usedBytes
    }

    /// Runs `script` every way `runAllWays` does, each with a fresh budget of `requests` requests;
    /// returns the events and what each budget counted as given up.
    private func runWithBudget(of requests: Int, _ script: [Step]) -> (events: [HTTP1Event], givenUp: [Int]) {
        let perRequest = cost()
        var reference: [HTTP1Event]?
        var givenUp: [Int] = []
        for feeding in [Feeding.whole, .byteByByte, .randomSplits(seed: 1), .randomSplits(seed: 7)] {
            let budget = ByteBudget(limit: requests * perRequest)
            let events = run(script, feeding: feeding, limits: HTTP1Limits(waitingRequests: budget))
            #expect(budget.usedBytes == 0, "every request gave its bytes back once the analyzer went (\(feeding))")
            givenUp.append(budget.givenUpCount)
            if let reference {
                #expect(events == reference, "events differ when fed \(feeding)")
            } else {
                reference = events
            }
        }
        return (reference ?? [], givenUp)
    }

    @Test func aRequestThatDoesNotFitGivesUpTheOldestWaitingOne() {
        let (events, givenUp) = runWithBudget(of: 3, [
            .client((0..<5).map(request).joined()),
            .server(String(repeating: ok, count: 3)),
        ] + Step.finishBoth())
        #expect(events.exchanges.map(\.request.target) == ["/0", "/1", "/2", "/3", "/4"])
        #expect(events.exchanges.map(\.issues) == [
            [.noResponse(.sessionBudgetUsedUp)], [.noResponse(.sessionBudgetUsedUp)], [], [], [],
        ])
        #expect(events.exchanges.map { $0.response?.status } == [nil, nil, .ok, .ok, .ok])
        #expect(givenUp == [2, 2, 2, 2])
    }

    @Test func theBudgetIsNeverPassedWhileTheConnectionHasARequestToGiveUp() {
        let budget = ByteBudget(limit: 4 * cost())
        var analyzer = HTTP1Analyzer(limits: HTTP1Limits(waitingRequests: budget))
        var exchanges = 0
        for number in 0..<40 {
            analyzer.receive(ByteBuffer(string: request(number % 10)), from: .clientToServer, at: ms(0)) {
                if case .exchange = $0 { exchanges += 1 }
            }
            #expect(budget.usedBytes <= budget.limit, "after request \(number)")
        }
        #expect(exchanges == 36)
        #expect(budget.givenUpCount == 36)
    }

    /// Budgets are shared between connections, but a connection only ever gives up its own requests:
    /// one with none waiting keeps its new request (the connection budget bounds those).
    @Test func aConnectionGivesUpOnlyItsOwnRequests() {
        let budget = ByteBudget(limit: 3 * cost())
        let limits = HTTP1Limits(waitingRequests: budget)
        var first = HTTP1Analyzer(limits: limits)
        var second = HTTP1Analyzer(limits: limits)
        var events: [HTTP1Event] = []
        first.receive(ByteBuffer(string: (0..<3).map(request).joined()), from: .clientToServer, at: ms(0)) { events.append($0) }
        second.receive(ByteBuffer(string: request(5)), from: .clientToServer, at: ms(1)) { events.append($0) }
        #expect(events.isEmpty)
        #expect(budget.usedBytes == 4 * cost())
        second.receive(ByteBuffer(string: request(6)), from: .clientToServer, at: ms(2)) { events.append($0) }
        #expect(events.exchanges.map(\.request.target) == ["/5"])
        #expect(events.exchanges.first?.issues == [.noResponse(.sessionBudgetUsedUp)])
        for direction in [Direction.clientToServer, .serverToClient] {
            first.finish(direction, at: ms(3)) { events.append($0) }
        }
        #expect(events.exchanges.dropFirst().map(\.issues) == Array(repeating: [.noResponse(.connectionEnded)], count: 3))
    }

    /// Requests queued behind a response still being read go out as they are given up, ahead of it, so
    /// that a response that never ends cannot make the connection hold more than its share.
    @Test func requestsBehindAnUnfinishedResponseAreGivenUpAheadOfIt() {
        let (events, givenUp) = runWithBudget(of: 3, [
            .client(request(0)),
            .server(wire("HTTP/1.1 200 OK", "Content-Length: 4", "", "") + "ab"),
            .client((1..<7).map(request).joined()),
            .server("cd"),
        ] + Step.finishBoth())
        #expect(events.exchanges.map(\.request.target) == ["/1", "/2", "/3", "/4", "/0", "/5", "/6"])
        #expect(events.exchanges.map(\.issues) == Array(repeating: [.noResponse(.sessionBudgetUsedUp)], count: 4) + [
            [], [.noResponse(.connectionEnded)], [.noResponse(.connectionEnded)],
        ])
        #expect(givenUp == [4, 4, 4, 4])
    }

    @Test func withoutABudgetOnlyThePipeliningLimitGivesUp() {
        let events = runAllWays([.client((0..<5).map(request).joined())] + Step.finishBoth())
        #expect(events.exchanges.map(\.issues) == Array(repeating: [.noResponse(.connectionEnded)], count: 5))
    }
}
