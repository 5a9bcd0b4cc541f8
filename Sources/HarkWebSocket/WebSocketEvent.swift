public import HarkCore

/// What a `WebSocketAnalyzer` reports, in the order it learns it.
public enum WebSocketEvent: Sendable {
    /// A message ended (its final frame arrived), or can no longer end (its direction ended).
    case message(WebSocketMessage)
    /// Something wrong in the frames; processing went on.
    case diagnostic(WebSocketDiagnostic)
}

/// A problem in one direction's frames: where and what.
public struct WebSocketDiagnostic: Hashable, Sendable, CustomStringConvertible {
    /// Which direction's bytes.
    public var direction: Direction
    /// Stream offset (after the upgrade) of the byte concerned.
    public var streamOffset: Int64
    /// Capture time of the segment where it was found.
    public var time: Timestamp
    /// What was wrong.
    public var message: String
    /// Whether output is missing because of it (an error) or only unusual (a warning).
    public var isError: Bool

    public init(direction: Direction, streamOffset: Int64, time: Timestamp, message: String, isError: Bool) {
        self.direction = direction
        self.streamOffset = streamOffset
        self.time = time
        self.message = message
        self.isError = isError
    }

    /// `WebSocket client→server at offset 120: …`.
    public var description: String {
        let side = direction == .clientToServer ? "client→server" : "server→client"
        return "WebSocket \(side) at offset \(streamOffset): \(message)"
    }
}
