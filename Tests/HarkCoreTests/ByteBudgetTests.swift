import HarkCore
import Testing

struct ByteBudgetTests {
    @Test func aClaimIsAllOrNothingAndGivesItsBytesBackWhenItGoes() throws {
        let budget = ByteBudget(limit: 100)
        var first = budget.claim(60)
        #expect(first != nil && budget.usedBytes == 60)
        #expect(budget.claim(41) == nil, "41 more would pass the limit")
        #expect(budget.usedBytes == 60, "a refused claim takes nothing")
        let second = try #require(budget.claim(40))
        #expect(budget.usedBytes == 100 && !budget.fits(1))
        first = nil
        #expect(budget.usedBytes == 40)
        _ = second
    }

    @Test func aChargeIsTakenEvenPastTheLimit() {
        let budget = ByteBudget(limit: 10)
        var charges = [budget.charge(8), budget.charge(8)]
        #expect(budget.usedBytes == 16)
        charges.removeAll()
        #expect(budget.usedBytes == 0)
    }

    @Test func reservationsAreGivenBackByHand() {
        let budget = ByteBudget(limit: 100)
        #expect(budget.reserve(70))
        #expect(!budget.reserve(31))
        #expect(budget.reserve(upTo: 50) == 30, "what is left")
        #expect(budget.reserve(upTo: 1) == 0)
        budget.release(100)
        #expect(budget.usedBytes == 0)
        budget.adjust(by: 120)
        #expect(budget.usedBytes == 120 && !budget.fits(0))
        budget.adjust(by: -120)
        #expect(budget.fits(100))
    }

    @Test func sharesSplitTheLimitAndCountOnTheirOwn() {
        let budget = ByteBudget(limit: -5)
        #expect(budget.limit == 0)
        let session = ByteBudget(limit: 32 << 20)
        let shares = (0..<3).map { _ in session.share(of: 3) }
        #expect(shares.allSatisfy { $0.limit == (32 << 20) / 3 })
        shares[0].noteGivenUp()
        #expect(shares[0].givenUpCount == 1 && shares[1].givenUpCount == 0 && session.givenUpCount == 0)
        #expect(shares[0] != shares[1] && shares[0] == shares[0])
    }

    @Test func concurrentClaimsNeverPassTheLimit() async {
        let budget = ByteBudget(limit: 1_000)
        let granted = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var held: [ByteBudget.Claim] = []
                    for _ in 0..<1_000 {
                        if let claim = budget.claim(7) { held.append(claim) }
                        if held.count > 20 { held.removeFirst(10) }
                        if budget.usedBytes > budget.limit { return -1 }
                    }
                    return held.count * 7
                }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(!granted.contains(-1), "the budget was never seen past its limit")
        #expect(budget.usedBytes == 0, "every claim gave its bytes back")
    }
}
