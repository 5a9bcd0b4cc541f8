public import HarkCore
public import HarkModel
public import NIOCore

/// A message a connection carried after an upgrade (a WebSocket message), as the timeline marks it on
/// the connection's row (when, which way, what type, how large, and the start of its text) and the
/// terminal UI's Messages tab lists it (with the start of its payload and what went wrong).
public struct MessageMark: Sendable, Hashable {
    /// Capture time of its first and last byte.
    public var firstByte: Timestamp
    public var lastByte: Timestamp
    public var direction: Direction
    /// The protocol's type number (a WebSocket opcode) and its name (`text`, `binary`, `close`…).
    public var opcode: Int
    public var kind: String
    /// Payload bytes as meant (decompressed).
    public var length: Int
    /// The start of a text message (at most `textLimit` characters); nil for other messages.
    public var text: String?
    /// `Exchange.id` of the upgrade; nil when the capture began after it.
    public var exchangeID: Int?
    /// The HTTP/2 stream that carried it (RFC 8441); nil when the whole connection did.
    public var streamID: UInt32?
    /// Whether the payload is meant as text (UTF-8).
    public var isText: Bool
    /// Frames it came in.
    public var frameCount: Int
    /// A close message's status code and reason.
    public var closeCode: Int?
    public var closeReason: String?
    /// `permessage-deflate` when it was compressed, and its payload bytes on the wire.
    public var contentCodings: [String]
    public var wireBytes: Int
    /// Why the payload is not exactly what was sent (a decoding error, or `incomplete`); nil when it is.
    public var problem: String?
    /// The start of the payload as meant (decompressed): at most the `payloadLimit` it was made with.
    public var payload: ByteBuffer

    /// Characters of a text message kept.
    public static let textLimit = 120

    /// The mark of `message`, keeping the first `payloadLimit` bytes of its payload.
    public init(_ message: ConnectionMessage, payloadLimit: Int = 0) {
        firstByte = message.firstByte
        lastByte = message.lastByte
        direction = message.direction
        opcode = message.opcode
        kind = message.kind
        length = message.payload.decodedLength ?? message.payload.length
        exchangeID = message.exchangeID
        streamID = message.streamID
        isText = message.isText
        frameCount = message.frameCount
        closeCode = message.closeCode
        closeReason = message.closeReason
        contentCodings = message.payload.contentCodings
        wireBytes = message.payload.wireBytes
        problem = message.payload.decodingError ?? (message.payload.isComplete ? nil : "incomplete")
        payload = (try? message.payload.content.readAll(limit: max(0, payloadLimit))) ?? ByteBuffer()
        if message.isText, let bytes = try? message.payload.content.readAll(limit: Self.textLimit * 4) {
            text = String(String(decoding: bytes.readableBytesView, as: UTF8.self).prefix(Self.textLimit))
        } else if let code = message.closeCode {
            text = "\(code)" + (message.closeReason.map { " " + $0 } ?? "")
        }
    }
}
