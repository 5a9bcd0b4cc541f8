public import HarkCore

/// What a `FastCGIAnalyzer` reports, in the order it learns it.
public enum FastCGIEvent: Sendable {
    /// A request ended (its `END_REQUEST` came), or can no longer end (the connection ended).
    case exchange(FastCGIExchange)
    /// Something wrong in the records; processing went on.
    case diagnostic(FastCGIDiagnostic)
}

/// A problem in one direction's records: where and what.
public struct FastCGIDiagnostic: Hashable, Sendable, CustomStringConvertible {
    /// Which direction's bytes.
    public var direction: Direction
    /// Stream offset of the record concerned.
    public var streamOffset: Int64
    /// What was wrong.
    public var message: String
    /// Whether output is missing because of it (an error) or only unusual (a warning).
    public var isError: Bool

    public init(direction: Direction, streamOffset: Int64, message: String, isError: Bool) {
        self.direction = direction
        self.streamOffset = streamOffset
        self.message = message
        self.isError = isError
    }

    /// `FastCGI web server→application at offset 120: …`.
    public var description: String {
        let side = direction == .clientToServer ? "web server→application" : "application→web server"
        return "FastCGI \(side) at offset \(streamOffset): \(message)"
    }
}
