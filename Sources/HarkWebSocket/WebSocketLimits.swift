public import HarkCore

/// Bounds on what one `WebSocketAnalyzer` keeps. Exceeding one is reported, never fatal.
public struct WebSocketLimits: Hashable, Sendable {
    /// The largest frame payload length accepted; a frame declaring more loses the direction's framing
    /// (reported, the rest counted). Default 1 GiB.
    public var maxFrameLength: Int
    /// Most payload bytes kept per message (after decompression); later ones are counted. 0 keeps
    /// none. Default 1 GiB (on disk when memory cannot hold it).
    public var maxMessageBytes: Int
    /// Most bytes one compressed message may inflate to (a decompression-bomb cap): inflating stops
    /// there. Default 1 GiB, as for HTTP bodies.
    public var maxInflatedBytes: Int
    /// Most frames one message may be fragmented into before it is reported as cut (later fragments
    /// are counted, not kept). Default 65,536.
    public var maxFramesPerMessage: Int
    /// Whether a message longer than `maxMessageBytes` says so in its `problem`. Turn it off when only
    /// a preview is kept on purpose (bodies not kept). Default true.
    public var reportsCutMessages = true
    /// How payloads are stored: in memory while small, then on the shared allowance, then on disk.
    public var storage: BodyStorageLimits

    public init(
        maxFrameLength: Int = 1 << 30,
        maxMessageBytes: Int = 1 << 30,
        maxInflatedBytes: Int = 1 << 30,
        maxFramesPerMessage: Int = 1 << 16,
        storage: BodyStorageLimits = BodyStorageLimits()
    ) {
        self.maxFrameLength = maxFrameLength
        self.maxMessageBytes = maxMessageBytes
        self.maxInflatedBytes = maxInflatedBytes
        self.maxFramesPerMessage = maxFramesPerMessage
        self.storage = storage
    }
}
