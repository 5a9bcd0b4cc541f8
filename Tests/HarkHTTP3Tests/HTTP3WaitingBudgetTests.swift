import HarkCore
import HarkQUIC
import Testing

@testable import HarkHTTP3

/// The session's budget for requests waiting for responses (`HTTP3Limits.waitingRequests`): a request
/// stream that does not fit makes its own connection give up its oldest request still waiting.
@Suite struct HTTP3WaitingBudgetTests {
    private static let givenUp = "response incomplete: the session held too many requests waiting for responses (memory budget)"
    /// HEADERS with :method GET, :path / and :scheme https from the static table (17, 1, 23).
    private static let get = HTTP3AnalyzerTests.bytes("01 05 0000 d1 c1 d7")
    /// What `get`'s head is charged once decoded (`HTTP3RequestState.listSize`).
    private static let getHead = 7 + 3 + 5 + 1 + 7 + 5 + 3 * 32
    /// HEADERS :status 200 (static 25).
    private static let ok = HTTP3AnalyzerTests.bytes("01 03 0000 d9")

    @Test func aRequestThatDoesNotFitGivesUpTheOldestWaitingOne() {
        let budget = ByteBudget(limit: 3 * (HTTP3RequestState.cost + Self.getHead))
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

    /// A GET with a field `x` of `size` bytes: HEADERS, the three static fields above, then a literal
    /// field line with a literal name (RFC 9204 §4.5.6).
    private static func bigGet(_ size: Int) -> ArraySlice<UInt8> {
        var length: [UInt8] = [0x7f]
        var rest = size - 127
        while rest >= 128 {
            length.append(UInt8(rest & 0x7f) | 0x80)
            rest >>= 7
        }
        length.append(UInt8(rest))
        let section: [UInt8] = [0x00, 0x00, 0xd1, 0xc1, 0xd7, 0x21, 0x78] + length + Array(repeating: 0x61, count: size)
        return ([0x01, 0x40 | UInt8(section.count >> 8), UInt8(section.count & 0xff)] + section)[...]
    }

    /// A request's field section (up to `maxFieldSectionSize`, 256 KiB) is charged once decoded, not
    /// only the stream's 2 KiB: two heads of 4 KB do not fit where two streams would.
    @Test func aRequestsHeadIsChargedOnceDecoded() {
        let head = 7 + 3 + 5 + 1 + 7 + 5 + 1 + 4_000 + 4 * 32
        let budget = ByteBudget(limit: 2 * HTTP3RequestState.cost + head)
        var limits = HTTP3Limits()
        limits.waitingRequests = budget
        var analyzer = HTTP3Analyzer(limits: limits)
        var exchanges: [HTTP3Exchange] = []
        let take = { (event: HTTP3Event) in if case .exchange(let exchange) = event { exchanges.append(exchange) } }
        analyzer.receive(streamID: 0, direction: .clientToServer, bytes: Self.bigGet(4_000), at: HTTP3AnalyzerTests.time, emit: take)
        #expect(budget.usedBytes == HTTP3RequestState.cost + head)
        analyzer.receive(streamID: 4, direction: .clientToServer, bytes: Self.bigGet(4_000), at: HTTP3AnalyzerTests.time, emit: take)
        #expect(exchanges.map(\.streamID) == [0])
        #expect(exchanges.first?.issues.last == Self.givenUp)
        #expect(budget.usedBytes == HTTP3RequestState.cost + head)
        analyzer = HTTP3Analyzer()
        #expect(budget.usedBytes == 0, "every request gave its bytes back once the analyzer went")
    }

    /// A request whose section waits for QPACK inserts that never come may be given up too (before,
    /// only requests with a decoded head were), its held bytes given back to the QUIC buffer budget.
    @Test func aRequestBlockedOnQPACKInsertsMayBeGivenUp() {
        // Stream 8 fits only if one of the two before it is given up: the blocked one is the oldest.
        let budget = ByteBudget(limit: 2 * (HTTP3RequestState.cost + Self.getHead))
        var limits = HTTP3Limits()
        limits.waitingRequests = budget
        var analyzer = HTTP3Analyzer(limits: limits)
        let buffers = ByteBudget(limit: 1_000)
        analyzer.bufferBudget = buffers
        var exchanges: [HTTP3Exchange] = []
        let take = { (event: HTTP3Event) in if case .exchange(let exchange) = event { exchanges.append(exchange) } }
        let time = HTTP3AnalyzerTests.time
        let settings = HTTP3AnalyzerTests.serverSettings
        analyzer.receive(streamID: settings.stream, direction: settings.direction, bytes: HTTP3AnalyzerTests.bytes(settings.hex), at: time, emit: take)
        // HEADERS needing two inserts that never come (HTTP3BufferBudgetTests), then two GETs.
        analyzer.receive(streamID: 0, direction: .clientToServer, bytes: HTTP3AnalyzerTests.bytes("01 05 0381 10 11 d1"), at: time, emit: take)
        #expect(buffers.usedBytes == 5)
        analyzer.receive(streamID: 4, direction: .clientToServer, bytes: Self.get, at: time, emit: take)
        analyzer.receive(streamID: 8, direction: .clientToServer, bytes: Self.get, at: time, emit: take)
        #expect(exchanges.map(\.streamID) == [0])
        #expect(exchanges.first?.issues.prefix(2) == [
            "request headers not decoded: the session held too many requests waiting for responses (memory budget)", Self.givenUp,
        ])
        #expect(buffers.usedBytes == 0)
        #expect(budget.usedBytes <= budget.limit)
    }
}
