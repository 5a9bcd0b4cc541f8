/// What `hark trace` prints, and how.
public struct TraceOptions: Hashable, Sendable {
    /// Text lines for people, or JSON lines for programs.
    public enum Format: Hashable, Sendable {
        /// One aligned line per exchange, details indented below it.
        case text
        /// One JSON object per line, each with a `type` (https://jsonlines.org).
        case jsonLines
    }

    /// Text or JSON lines.
    public var format: Format
    /// Print request and response headers under each exchange.
    public var showHeaders: Bool
    /// Print bodies (content-decoded; JSON pretty-printed in text; binary summarised).
    public var showBodies: Bool
    /// Interleave TCP events: connection setup and teardown, resets, SYN retries, retransmissions,
    /// zero windows and gaps.
    public var showTCP: Bool
    /// Colour text output (ignored for JSON).
    public var useColor: Bool
    /// Bytes of each body printed at most (default 4096); the rest is counted, not printed.
    public var maximumBodyBytes: Int
    /// When lines are written: held and sorted by their time (default, for a file), within a window
    /// (live and piped captures), or as they complete.
    public var lineOrder: TraceLineOrder

    /// Decoded bytes of a body that printing can use: what is printed, or the whole body when it is
    /// small enough to re-indent as JSON, and one byte more to know that there is more. Give it to
    /// `SessionConfiguration.maxDecodedBodyBytes`, so that a body is decoded only as far as it is
    /// shown; a body cut there says so instead of giving its decoded size.
    public var decodedBytesUsed: Int { max(maximumBodyBytes, BodyText.maximumIndentedBytes) + 1 }

    /// Text lines with no details and no colour unless asked for.
    ///
    /// - Parameters: as the properties of the same names.
    public init(
        format: Format = .text,
        showHeaders: Bool = false,
        showBodies: Bool = false,
        showTCP: Bool = false,
        useColor: Bool = false,
        maximumBodyBytes: Int = 4096,
        lineOrder: TraceLineOrder = .file
    ) {
        self.format = format
        self.showHeaders = showHeaders
        self.showBodies = showBodies
        self.showTCP = showTCP
        self.useColor = useColor
        self.maximumBodyBytes = max(0, maximumBodyBytes)
        self.lineOrder = lineOrder
    }
}
