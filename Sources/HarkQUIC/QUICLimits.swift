/// Bounds on what one QUIC connection's analysis holds, with the defaults `hark` uses.
public struct QUICLimits: Sendable {
    /// Out-of-order bytes one direction of one stream (or one encryption level's CRYPTO data) may hold
    /// while waiting for a hole to fill; past it the hole is reported as a gap. Default 1 MiB.
    public var maxBufferedBytesPerStream = 1 << 20
    /// Out-of-order stream bytes one connection may hold in all; past it, the stream that just grew gives
    /// up its holes as gaps. Default 16 MiB.
    public var maxBufferedBytesPerConnection = 16 << 20
    /// Bytes all QUIC connections of a session may hold while they wait (`ByteBudget`: stream and
    /// CRYPTO data behind holes, HTTP/3 frames behind blocked field sections); past it, what grew gives
    /// up waiting, reported as an eviction. Default 256 MiB, as for TCP reassembly.
    public var maxBufferedBytesPerSession = 256 << 20
    /// How far past the delivered data a frame's offset may point before it is dropped as a lie.
    /// Default 64 MiB.
    public var maxOffsetAhead: UInt64 = 64 << 20
    /// Streams open at once per connection; frames of further streams are dropped and reported.
    /// Default 1,000.
    public var maxOpenStreams = 1_000
    /// TLS handshake messages longer than this are skipped. Default 64 KiB.
    public var maxHandshakeMessageLength = 64 << 10
    /// Capture packets noted per connection as carrying 0-RTT packets (requests read from them are
    /// flagged as replayable); a client sends a few, a flood past this is not noted.
    public static let maxEarlyDataPacketsNoted = 1_024

    public init() {}
}
