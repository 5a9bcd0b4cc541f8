import HarkCore
import NIOCore
import Testing

@testable import HarkFastCGI

/// The session's budget for requests waiting for responses (`FastCGILimits.waitingRequests`): a
/// `BEGIN_REQUEST` that does not fit ends the connection's oldest open request, which says why.
@Suite struct FastCGIWaitingBudgetTests {
    private static let givenUp = "no END_REQUEST: the session held too many requests waiting for responses (memory budget)"

    private static func request(id: UInt16) -> [UInt8] {
        FastCGIRecords.begin(id: id, keepConnection: true)
            + FastCGIRecords.stream(4, id: id, FastCGIRecords.pairs([("REQUEST_URI", "/\(id)")]))
            + FastCGIRecords.stream(5, id: id, [])
    }

    @Test func aRequestThatDoesNotFitEndsTheOldestOpenOne() {
        let budget = ByteBudget(limit: 3 * OpenRequest.cost)
        var analyzer = FastCGIAnalyzer(limits: FastCGILimits(waitingRequests: budget))
        var exchanges: [FastCGIExchange] = []
        let collect = { (event: FastCGIEvent) in if case .exchange(let exchange) = event { exchanges.append(exchange) } }
        let time = Timestamp(nanoseconds: 0)
        for id in UInt16(1)...5 {
            analyzer.receive(ByteBuffer(bytes: Self.request(id: id)), from: .clientToServer, at: time, emit: collect)
            #expect(budget.usedBytes <= budget.limit, "after request \(id)")
        }
        #expect(exchanges.map(\.requestID) == [1, 2])
        #expect(exchanges.map(\.problems) == [[Self.givenUp], [Self.givenUp]])
        #expect(budget.givenUpCount == 2)
        for id in UInt16(3)...5 {
            analyzer.receive(ByteBuffer(bytes: FastCGIRecords.end(id: id)), from: .serverToClient, at: time, emit: collect)
        }
        #expect(exchanges.map(\.requestID) == [1, 2, 3, 4, 5])
        #expect(exchanges.dropFirst(2).allSatisfy { $0.problems.isEmpty })
        #expect(budget.usedBytes == 0, "every request gave its bytes back as it ended")
    }
}
