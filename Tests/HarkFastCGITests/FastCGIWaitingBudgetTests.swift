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
        // Room for three requests: each is charged its cost and its 15 bytes of PARAMS.
        let budget = ByteBudget(limit: 3 * (OpenRequest.cost + 15))
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

/// The held bytes of many connections together: each connection keeps within its own `maxHeldBytes`
/// (8 MiB), but 64 connections of 1 MiB of `PARAMS` each would hold 64 MiB; the session's budget keeps
/// them within its limit, the requests past it say why, and every byte comes back as requests end.
@Suite struct FastCGISessionHeldBytesTests {
    /// A request whose `PARAMS` are one `HTTP_COOKIE` pair of `size` bytes.
    private static func request(id: UInt16, size: Int) -> [UInt8] {
        let name = Array("HTTP_COOKIE".utf8)
        let valueLength = size - name.count - 1 - 4
        let pair = FastCGIRecords.length(name.count) + FastCGIRecords.length(valueLength) + name + [UInt8](repeating: 0x61, count: valueLength)
        return FastCGIRecords.begin(id: id, keepConnection: true) + FastCGIRecords.stream(4, id: id, pair) + FastCGIRecords.stream(5, id: id, [])
    }

    @Test func connectionsTogetherHoldNoMoreThanTheSessionBudget() {
        let budget = ByteBudget(limit: 4 << 20)
        let limits = FastCGILimits(waitingRequests: budget)
        var analyzers = (0..<64).map { _ in FastCGIAnalyzer(limits: limits) }
        var exchanges: [FastCGIExchange] = []
        var diagnostics: [String] = []
        let collect = { (event: FastCGIEvent) in
            switch event {
            case .exchange(let exchange): exchanges.append(exchange)
            case .diagnostic(let diagnostic): diagnostics.append(diagnostic.message)
            }
        }
        let time = Timestamp(nanoseconds: 0)
        var mostUsed = 0
        for index in analyzers.indices {
            analyzers[index].receive(ByteBuffer(bytes: Self.request(id: 1, size: 1 << 20)), from: .clientToServer, at: time, emit: collect)
            mostUsed = max(mostUsed, budget.usedBytes)
        }
        // One record may pass the limit while it is judged (a PARAMS record is at most 64 KiB), and a
        // BEGIN_REQUEST is charged its cost even when the budget is full and its connection has no
        // older request to end.
        #expect(mostUsed <= budget.limit + 65_535 + 64 * OpenRequest.cost)
        #expect(exchanges.isEmpty, "the budget keeps the requests open, only their PARAMS are cut")
        #expect(diagnostics.count > 0 && diagnostics.allSatisfy { $0.hasPrefix("the session's requests waiting for responses hold ") })
        #expect(diagnostics.count <= 64, "once a connection at most")
        #expect(budget.givenUpCount == 0, "no request was given up: they only lost PARAMS")

        for index in analyzers.indices {
            analyzers[index].receive(ByteBuffer(bytes: FastCGIRecords.end(id: 1)), from: .serverToClient, at: time, emit: collect)
        }
        #expect(exchanges.count == 64)
        let whole = exchanges.filter { $0.problems.isEmpty && $0.request.variables.first?.1.utf8.count == (1 << 20) - 16 }
        let cut = exchanges.filter {
            $0.problems.count == 1 && $0.problems[0].hasSuffix(
                "PARAMS bytes dropped: the session's requests waiting for responses already held 4194304 bytes (memory budget)")
        }
        #expect(whole.count >= 3 && whole.count <= 4, "about 4 MiB of whole PARAMS: \(whole.count)")
        #expect(whole.count + cut.count == 64)
        #expect(budget.usedBytes == 0, "every request gave its bytes back as it ended")
    }
}
