import HarkCore
@testable import HarkText
import Testing

/// The reorder buffer behind `hark trace`'s line order (issue 15, item 17).
struct TimeOrderedLinesTests {
    private func at(_ seconds: Double) -> Timestamp {
        Timestamp(nanoseconds: Int64(seconds * 1e9))
    }

    private func texts(_ groups: [TimeOrderedLines.Group]) -> [String] {
        groups.flatMap(\.lines)
    }

    @Test func sortedHoldsEverythingUntilTheEnd() {
        var lines = TimeOrderedLines(order: .sorted(maximumHeldBytes: 1 << 20))
        #expect(lines.add(time: at(3), lines: ["c"]).isEmpty)
        #expect(lines.add(time: at(1), lines: ["a", "a details"]).isEmpty)
        #expect(lines.advance(to: at(100)).isEmpty)
        #expect(lines.add(time: at(2), lines: ["b"]).isEmpty)
        #expect(lines.add(time: at(2), lines: ["b2"]).isEmpty)  // equal times keep arrival order
        #expect(texts(lines.finish()) == ["a", "a details", "b", "b2", "c"])
        #expect(texts(lines.add(time: at(0), lines: ["after the end"])) == ["after the end"])
    }

    @Test func sortedWritesTheEarliestEarlyWhenFull() {
        var lines = TimeOrderedLines(order: .sorted(maximumHeldBytes: 4))  // two 1-byte lines + newlines
        #expect(lines.add(time: at(5), lines: ["e"]).isEmpty)
        #expect(lines.add(time: at(4), lines: ["d"]).isEmpty)
        #expect(texts(lines.add(time: at(6), lines: ["f"])) == ["d"])
        #expect(texts(lines.finish()) == ["e", "f"])
    }

    @Test func windowLetsLinesOutOnceTheCaptureHasMovedPastThem() {
        var lines = TimeOrderedLines(order: .window(.seconds(2), maximumHeldBytes: 1 << 20))
        #expect(lines.add(time: at(10), lines: ["t10"]).isEmpty)
        #expect(lines.add(time: at(9.5), lines: ["t9.5"]).isEmpty)
        #expect(lines.advance(to: at(11.4)).isEmpty)
        #expect(texts(lines.advance(to: at(11.6))) == ["t9.5"])
        #expect(texts(lines.advance(to: at(12))) == ["t10"])
        // Later than the window: written when it comes, after later lines.
        #expect(texts(lines.add(time: at(8), lines: ["t8 slow"])) == ["t8 slow"])
        #expect(lines.add(time: at(12.5), lines: ["t12.5"]).isEmpty)
        #expect(texts(lines.finish()) == ["t12.5"])
    }

    @Test func asCompletedHoldsNothing() {
        var lines = TimeOrderedLines(order: .asCompleted)
        #expect(texts(lines.add(time: at(3), lines: ["c"])) == ["c"])
        #expect(texts(lines.add(time: at(1), lines: ["a"])) == ["a"])
        #expect(lines.finish().isEmpty)
    }
}
