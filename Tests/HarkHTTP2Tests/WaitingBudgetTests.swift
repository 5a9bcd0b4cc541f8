import HarkCore
import HarkHTTP2
import HarkTestSupport
import NIOCore
import Testing

/// The session's budget for requests waiting for responses (`HTTP2Limits.waitingRequests`): a stream
/// that does not fit makes its own connection give up its oldest stream still waiting, emitted at once.
@Suite struct HTTP2WaitingBudgetTests {
    private static let get: [(String, String)] = [(":method", "GET"), (":scheme", "http"), (":authority", "a"), (":path", "/")]

    /// The client's preface and a GET on each of `streams`, each ending its stream.
    private func requests(_ streams: [UInt32]) -> [UInt8] {
        var client = Encoder()
        return preface + frame(.settings, stream: 0) + streams.flatMap {
            frame(.headers, [.endHeaders, .endStream], stream: $0, client.block(Self.get))
        }
    }

    /// The server's 200s, ending `streams`.
    private func answers(_ streams: [UInt32]) -> [UInt8] {
        var server = Encoder()
        return frame(.settings, stream: 0) + streams.flatMap {
            frame(.headers, [.endHeaders, .endStream], stream: $0, server.block([(":status", "200")]))
        }
    }

    /// What one such stream is charged, read off a budget.
    private func cost() -> Int {
        let budget = ByteBudget(limit: 32 << 20)
        var analyzer = HTTP2Analyzer(limits: HTTP2Limits(waitingRequests: budget))
        analyzer.receive(ByteBuffer(bytes: requests([1])), from: .clientToServer, at: ms(0)) { _ in }
        return budget.usedBytes
    }

    @Test func aStreamThatDoesNotFitGivesUpTheOldestWaitingOne() {
        let perStream = cost()
        #expect(perStream > 2048)
        let script: [Step] = [.client(requests([1, 3, 5, 7, 9]), at: 1), .server(answers([5, 7, 9]), at: 2), .finish(at: 3)]
        var reference: [HTTP2Event]?
        for feeding in [Feeding.whole, .byteByByte, .randomSplits(seed: 1), .randomSplits(seed: 7)] {
            let budget = ByteBudget(limit: 3 * perStream)
            let events = run(script, feeding: feeding, analyzer: HTTP2Analyzer(limits: HTTP2Limits(waitingRequests: budget)))
            #expect(budget.givenUpCount == 2, "\(feeding)")
            #expect(budget.usedBytes == 0, "every stream gave its bytes back once the analyzer went (\(feeding))")
            if let reference {
                #expect(events == reference, "events differ when fed \(feeding)")
            } else {
                reference = events
            }
        }
        let exchanges = (reference ?? []).exchanges
        #expect(exchanges.map(\.streamID) == [1, 3, 5, 7, 9])
        #expect(exchanges.map(\.issues) == [
            [.responseIncomplete(.sessionBudgetUsedUp)], [.responseIncomplete(.sessionBudgetUsedUp)], [], [], [],
        ])
    }

    @Test func theBudgetIsNeverPassedWhileTheConnectionHasAStreamToGiveUp() {
        let budget = ByteBudget(limit: 4 * cost())
        var analyzer = HTTP2Analyzer(limits: HTTP2Limits(waitingRequests: budget))
        var client = Encoder()
        var exchanges = 0
        let start = preface + frame(.settings, stream: 0)
        analyzer.receive(ByteBuffer(bytes: start), from: .clientToServer, at: ms(0)) { _ in }
        for index in 0..<400 {
            let headers = frame(.headers, [.endHeaders, .endStream], stream: UInt32(2 * index + 1), client.block(Self.get))
            analyzer.receive(ByteBuffer(bytes: headers), from: .clientToServer, at: ms(0)) {
                if case .exchange = $0 { exchanges += 1 }
            }
            #expect(budget.usedBytes <= budget.limit, "after stream \(2 * index + 1)")
        }
        #expect(exchanges == 396)
        #expect(budget.givenUpCount == 396)
    }

    /// A connection only ever gives up its own streams: one with none waiting keeps its new stream.
    @Test func aConnectionGivesUpOnlyItsOwnStreams() {
        let budget = ByteBudget(limit: 3 * cost())
        var first = HTTP2Analyzer(limits: HTTP2Limits(waitingRequests: budget))
        var second = first
        var events: [HTTP2Event] = []
        first.receive(ByteBuffer(bytes: requests([1, 3, 5])), from: .clientToServer, at: ms(0)) { events.append($0) }
        second.receive(ByteBuffer(bytes: requests([1])), from: .clientToServer, at: ms(1)) { events.append($0) }
        #expect(events.exchanges.isEmpty)
        #expect(budget.usedBytes == 4 * cost())
        var client = Encoder()
        _ = client.block(Self.get)
        second.receive(ByteBuffer(bytes: frame(.headers, [.endHeaders, .endStream], stream: 3, client.block(Self.get))),
            from: .clientToServer, at: ms(2)) { events.append($0) }
        #expect(events.exchanges.map(\.streamID) == [1])
        #expect(events.exchanges.first?.issues == [.responseIncomplete(.sessionBudgetUsedUp)])
        first.finish(.clientToServer, at: ms(3)) { events.append($0) }
        first.finish(.serverToClient, at: ms(3)) { events.append($0) }
        #expect(events.exchanges.dropFirst().map(\.issues) == Array(repeating: [.responseIncomplete(.connectionEnded)], count: 3))
    }
}
