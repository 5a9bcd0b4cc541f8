import HarkCore
import HarkStore

/// The shared time axis of the waterfall column: from the earliest start to the latest end of the rows
/// on screen, so bars on one screen compare.
struct WaterfallScale {
    let start: Timestamp
    let span: Int64

    init(_ timings: [ExchangeTiming]) {
        let start = timings.map(\.start).min() ?? Timestamp(nanoseconds: 0)
        let end = timings.map { $0.responseEnd ?? $0.requestEnd }.max() ?? start
        self.start = start
        span = max(1, end.since(start).nanoseconds)
    }

    /// Draws one exchange's phases, each at least one cell wide when it lasted at all.
    func draw(_ timing: ExchangeTiming, x: Int, y: Int, width: Int, into grid: inout ScreenGrid) {
        for (phase, from, to) in timing.phases {
            let first = column(from, width: width)
            let last = max(first, column(to, width: width) - 1)
            guard to > from || phase == .send else { continue }
            let count = min(width - first, last - first + 1)
            guard count > 0 else { continue }
            grid.put(String(repeating: Waterfall.glyph(phase), count: count), x: x + first, y: y, style: Waterfall.style(phase))
        }
    }

    private func column(_ time: Timestamp, width: Int) -> Int {
        let offset = Double(time.since(start).nanoseconds) / Double(span)
        return min(width - 1, max(0, Int(offset * Double(width))))
    }
}
