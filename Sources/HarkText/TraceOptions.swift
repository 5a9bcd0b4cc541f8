/// What `hark trace` prints, and how.
public struct TraceOptions: Hashable, Sendable {
    /// Text lines for people, or JSON lines for programs.
    public enum Format: Hashable, Sendable {
        /// One aligned line per exchange, details indented below it.
        case text
        /// One JSON object per line, each with a `type` (https://jsonlines.org).
        case jsonLines
    }

    /// Text or JSON lines (default text).
    public var format: Format = .text
    /// Print request and response headers under each exchange.
    public var showHeaders = false
    /// Print bodies (content-decoded; JSON pretty-printed in text; binary summarised).
    public var showBodies = false
    /// Interleave TCP events: connection setup and teardown, resets, SYN retries, retransmissions,
    /// zero windows and gaps.
    public var showTCP = false
    /// Colour text output (ignored for JSON).
    public var useColor = false
    /// Bytes of each body printed at most (default 4096); the rest is counted, not printed.
    public var maximumBodyBytes = 4096

    /// Text lines, no details, no colour.
    public init() {}

    /// - Parameters: as the properties of the same names.
    public init(
        format: Format = .text,
        showHeaders: Bool = false,
        showBodies: Bool = false,
        showTCP: Bool = false,
        useColor: Bool = false,
        maximumBodyBytes: Int = 4096
    ) {
        self.format = format
        self.showHeaders = showHeaders
        self.showBodies = showBodies
        self.showTCP = showTCP
        self.useColor = useColor
        self.maximumBodyBytes = max(0, maximumBodyBytes)
    }
}
