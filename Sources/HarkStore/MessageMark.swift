public import HarkCore
public import HarkModel
import NIOCore

/// A message a connection carried after an upgrade (a WebSocket message), as the timeline marks it on
/// the connection's row: when, which way, what type, how large, and the start of its text.
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

    /// Characters of a text message kept.
    public static let textLimit = 120

    /// The mark of `message`.
    public init(_ message: ConnectionMessage) {
        firstByte = message.firstByte
        lastByte = message.lastByte
        direction = message.direction
        opcode = message.opcode
        kind = message.kind
        length = message.payload.decodedLength ?? message.payload.length
        if message.isText, let bytes = try? message.payload.content.readAll(limit: Self.textLimit * 4) {
            text = String(String(decoding: bytes.readableBytesView, as: UTF8.self).prefix(Self.textLimit))
        } else if let code = message.closeCode {
            text = "\(code)" + (message.closeReason.map { " " + $0 } ?? "")
        }
    }
}
