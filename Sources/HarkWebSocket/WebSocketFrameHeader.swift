/// The fixed part of a WebSocket frame (RFC 6455 §5.2): flags, opcode, payload length and masking key.
public struct WebSocketFrameHeader: Hashable, Sendable {
    /// Whether this is the last frame of its message.
    public var fin: Bool
    /// RSV1: with permessage-deflate, set on the first frame of a compressed message (RFC 7692 §6).
    public var rsv1: Bool
    /// RSV2 and RSV3, which no extension hark knows uses.
    public var rsv2: Bool
    public var rsv3: Bool
    /// The opcode.
    public var opcode: WebSocketOpcode
    /// The masking key in network byte order; client frames are masked, server frames are not
    /// (RFC 6455 §5.3).
    public var maskingKey: UInt32?
    /// The payload length as declared.
    public var payloadLength: UInt64
    /// Bytes the header itself took (2 to 14).
    public var headerLength: Int

    public init(
        fin: Bool,
        rsv1: Bool = false,
        rsv2: Bool = false,
        rsv3: Bool = false,
        opcode: WebSocketOpcode,
        maskingKey: UInt32? = nil,
        payloadLength: UInt64,
        headerLength: Int
    ) {
        self.fin = fin
        self.rsv1 = rsv1
        self.rsv2 = rsv2
        self.rsv3 = rsv3
        self.opcode = opcode
        self.maskingKey = maskingKey
        self.payloadLength = payloadLength
        self.headerLength = headerLength
    }

    /// Whether the client sent it (only clients mask).
    public var isMasked: Bool { maskingKey != nil }
}
