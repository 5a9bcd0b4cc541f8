import HarkCore
import HarkTestSupport
import Testing

@testable import HarkQUIC

/// The session-wide budget of what QUIC connections hold while they wait (`ByteBudget`), on the
/// aioquic recording with twenty datagrams of the large response left out: what follows the hole waits
/// for it until the end of the capture, or until the budget is used up.
@Suite struct QUICBufferBudgetTests {
    static let hole = Set(100..<120)

    @Test func theStreamThatGoesOverTheBudgetGivesUpItsHoleAndEverythingElseStillArrives() throws {
        let keyLog = try QUICRecordingTests.keyLog()
        let unbounded = try QUICRecordingTests.analyse(keyLog: keyLog, skipping: Self.hole)
        let budget = ByteBudget(limit: 50_000)
        let bounded = try QUICRecordingTests.analyse(keyLog: keyLog, skipping: Self.hole, budget: budget)
        // `analyse` checked after every datagram that the budget was kept; everything is given back.
        #expect(budget.usedBytes == 0)
        #expect(budget.givenUpCount > 0)
        let large = try #require(bounded.values.first { $0.gaps > 0 })
        #expect(large.diagnostics.contains {
            $0 == "the session's QUIC buffer budget (50000 bytes held while waiting) is used up: holes given up as gaps"
        })
        for (port, connection) in bounded {
            let other = try #require(unbounded[port])
            // The same bytes arrive, earlier; the hole is as long; only its place in the order differs.
            #expect(connection.bytes == other.bytes)
            #expect(connection.gapBytes == other.gapBytes)
        }
        // Without a budget, the data behind the hole waited for the end of the capture: one gap at the end.
        #expect(unbounded.values.map(\.gaps).reduce(0, +) == 1)
        #expect(large.gaps >= 1)
    }

    @Test func aBudgetThatIsNeverReachedChangesNothing() throws {
        let budget = ByteBudget(limit: 16 << 20)
        let connections = try QUICRecordingTests.analyse(keyLog: QUICRecordingTests.keyLog(), skipping: Self.hole, budget: budget)
        #expect(budget.givenUpCount == 0)
        #expect(budget.usedBytes == 0)
        #expect(connections.values.allSatisfy { !$0.diagnostics.contains { $0.contains("budget") } })
    }
}
