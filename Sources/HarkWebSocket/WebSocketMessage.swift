public import HarkCore

/// One WebSocket message as it was meant: its frames joined, unmasked and inflated. Control frames
/// (close, ping, pong) are messages of one frame.
public struct WebSocketMessage: Sendable {
    /// Who sent it.
    public var direction: Direction
    /// The first frame's opcode (`continuation` when the capture began inside the message).
    public var opcode: WebSocketOpcode
    /// Capture time of the first and the last frame.
    public var firstFrameTime: Timestamp
    public var lastFrameTime: Timestamp
    /// Numbers of the packets of the first frame's start and the last frame's end (from the analyzer's
    /// `PacketClock`; 0: not known).
    public var firstPacket = 0
    public var lastPacket = 0
    /// Frames the message came in.
    public var frameCount: Int
    /// Payload bytes on the wire (compressed, as framed), headers not included.
    public var wireLength: Int
    /// Payload bytes after decompression, counted even when not kept.
    public var length: Int
    /// The payload as kept (up to `WebSocketLimits.maxMessageBytes`), inflated when it was compressed.
    public var payload: BodyStorage
    /// Whether the sender compressed it (permessage-deflate, RSV1 on the first frame).
    public var isCompressed: Bool
    /// Whether the final frame was captured.
    public var isComplete: Bool
    /// Why the payload is not exactly what was sent, when it is not: not inflated, partly from
    /// history before the capture, cut at a limit, fragments lost. Nil for an exact payload.
    public var problem: String?
    /// A close frame's status code (RFC 6455 §7.4), when it carried one.
    public var closeCode: UInt16?
    /// A close frame's reason text.
    public var closeReason: String?

    public init(
        direction: Direction,
        opcode: WebSocketOpcode,
        firstFrameTime: Timestamp,
        lastFrameTime: Timestamp,
        frameCount: Int = 1,
        wireLength: Int = 0,
        length: Int = 0,
        payload: BodyStorage = BodyStorage(),
        isCompressed: Bool = false,
        isComplete: Bool = true,
        problem: String? = nil,
        closeCode: UInt16? = nil,
        closeReason: String? = nil
    ) {
        self.direction = direction
        self.opcode = opcode
        self.firstFrameTime = firstFrameTime
        self.lastFrameTime = lastFrameTime
        self.frameCount = frameCount
        self.wireLength = wireLength
        self.length = length
        self.payload = payload
        self.isCompressed = isCompressed
        self.isComplete = isComplete
        self.problem = problem
        self.closeCode = closeCode
        self.closeReason = closeReason
    }
}
