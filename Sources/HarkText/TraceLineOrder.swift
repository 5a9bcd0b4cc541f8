public import HarkCore

/// The order `hark trace` writes its lines in. Every line has a time, the one it shows: an exchange's
/// is its request's first byte, a WebSocket message's its first byte, a TCP event's its packet's, a
/// `… and N more` line its last event's, a connection's opening its first packet's and its summary its
/// last packet's (a JSON diagnostic takes the latest time seen before it).
public enum TraceLineOrder: Hashable, Sendable {
    /// Each line as soon as it is complete: an exchange when its response ends, a connection summary
    /// when the connection closes, so lines of slow exchanges come after later ones.
    case asCompleted
    /// Every line held and written in order of its time when the capture ends. When the held lines
    /// pass `maximumHeldBytes`, the earliest are written early to make room.
    case sorted(maximumHeldBytes: Int)
    /// Each line held until capture time has moved `window` past its time, then written in order of
    /// time: lines come out at most `window` late, and a line that completes later than that after its
    /// time (a slow exchange, the summary of a connection retired after an idle wait) is written when
    /// it completes. Held lines
    /// are bounded by `maximumHeldBytes` as for `sorted`.
    case window(TimeSpan, maximumHeldBytes: Int)

    /// What `hark trace` uses for a capture file: sorted within 32 MiB of held lines.
    public static let file = TraceLineOrder.sorted(maximumHeldBytes: 32 << 20)
    /// What `hark trace` uses for a live or piped capture: a two-second window, within 32 MiB.
    public static let live = TraceLineOrder.window(.seconds(2), maximumHeldBytes: 32 << 20)
}
