import Glibc

/// Timings for `Scripts/bench-tui`, written when `HARK_TUI_TRACE` names a file: one line per event with
/// wall-clock and this thread's CPU milliseconds (CPU time stays meaningful on a busy machine).
/// `first-rows` is the time from start to the first frame with rows; `key` covers handling a key and
/// drawing and writing the frame after it; `query` is a filter or sort over all rows (on its worker).
final class FrameTrace: @unchecked Sendable {
    private let file: UnsafeMutablePointer<FILE>?

    init() {
        file = getenv("HARK_TUI_TRACE").flatMap { fopen($0, "w") }
    }

    deinit {
        if let file { fclose(file) }
    }

    var isEnabled: Bool { file != nil }

    /// Wall-clock and thread CPU time now, in milliseconds.
    static func now() -> (wall: Double, cpu: Double) {
        var wall = timespec()
        var cpu = timespec()
        clock_gettime(CLOCK_MONOTONIC, &wall)
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu)
        return (Double(wall.tv_sec) * 1e3 + Double(wall.tv_nsec) / 1e6, Double(cpu.tv_sec) * 1e3 + Double(cpu.tv_nsec) / 1e6)
    }

    /// Writes `name wall_ms cpu_ms detail` for the span since `start`.
    func record(_ name: String, since start: (wall: Double, cpu: Double), detail: String = "") {
        guard let file else { return }
        let end = Self.now()
        let line = "\(name) \(TimeText.ms(end.wall - start.wall)) \(TimeText.ms(end.cpu - start.cpu)) \(detail)\n"
        fputs(line, file)
        fflush(file)
    }
}

private enum TimeText {
    static func ms(_ value: Double) -> String {
        String(Int((value * 1000).rounded())) + "us"
    }
}
