public import HarkCore

/// One message of a message protocol that a connection (or one HTTP/2 stream of it) carried after an
/// HTTP exchange handed it over (a WebSocket after `101 Switching Protocols`, or after an HTTP/2
/// extended CONNECT's 2xx, RFC 8441), as every output sees it.
///
/// Protocol-neutral on purpose: a new message protocol maps onto these fields and every output shows
/// it without change.
public struct ConnectionMessage: Sendable {
    /// 0-based, in the order messages completed over the whole session.
    public var id: Int
    /// The TCP connection that carried it.
    public var connection: ConnectionContext
    /// The protocol (`ws`).
    public var applicationProtocol: ApplicationProtocol
    /// `Exchange.id` of the exchange that switched the connection (or stream) to this protocol; nil
    /// when the capture began after it.
    public var exchangeID: Int?
    /// The HTTP/2 stream that carried it (WebSocket over HTTP/2, RFC 8441); nil when the whole
    /// connection did.
    public var streamID: UInt32?
    /// Position among the connection's messages, from 0.
    public var indexOnConnection: Int
    /// Who sent it.
    public var direction: Direction
    /// The protocol's message type number (a WebSocket opcode: 1 text, 2 binary, 8 close, 9 ping, 10 pong).
    public var opcode: Int
    /// The type in words (`text`, `binary`, `close`, `ping`, `pong`).
    public var kind: String
    /// Whether the payload is meant as text (UTF-8).
    public var isText: Bool
    /// Capture time of its first and last byte.
    public var firstByte: Timestamp
    public var lastByte: Timestamp
    /// The packets holding its first and last byte; nil when not known.
    public var packets: PacketSpan?
    /// Frames (or records) it came in.
    public var frameCount: Int
    /// The payload: `bytes` as meant (unmasked, joined, inflated), `length` its size, `wireBytes` the
    /// payload bytes on the wire, `contentCodings` `permessage-deflate` when compressed,
    /// `decodingError` why it is not exactly what was sent, `isComplete` whether its end was captured.
    public var payload: HTTPMessageBody
    /// A close message's status code and reason.
    public var closeCode: Int?
    public var closeReason: String?

    public init(
        id: Int,
        connection: ConnectionContext,
        applicationProtocol: ApplicationProtocol,
        exchangeID: Int?,
        streamID: UInt32? = nil,
        indexOnConnection: Int,
        direction: Direction,
        opcode: Int,
        kind: String,
        isText: Bool,
        firstByte: Timestamp,
        lastByte: Timestamp,
        frameCount: Int,
        payload: HTTPMessageBody,
        closeCode: Int? = nil,
        closeReason: String? = nil
    ) {
        self.id = id
        self.connection = connection
        self.applicationProtocol = applicationProtocol
        self.exchangeID = exchangeID
        self.streamID = streamID
        self.indexOnConnection = indexOnConnection
        self.direction = direction
        self.opcode = opcode
        self.kind = kind
        self.isText = isText
        self.firstByte = firstByte
        self.lastByte = lastByte
        self.frameCount = frameCount
        self.payload = payload
        self.closeCode = closeCode
        self.closeReason = closeReason
    }

    /// Whether the payload is exactly what was sent, whole.
    public var isExact: Bool { payload.isComplete && payload.decodingError == nil && !payload.isTruncated }
}
