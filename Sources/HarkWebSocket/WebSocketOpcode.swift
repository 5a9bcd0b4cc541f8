/// A WebSocket frame opcode (RFC 6455 §5.2), kept as sent. A reserved one (3–7, 0xB–0xF) makes
/// `WebSocketAnalyzer` give up the direction's framing: no extension hark decodes defines any, so such
/// a "header" is almost always payload bytes after a length that lied.
public struct WebSocketOpcode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue & 0x0f
    }

    /// A fragment after the first of a message [RFC6455 §5.4].
    public static let continuation = WebSocketOpcode(rawValue: 0x0)
    /// A text message, UTF-8 [RFC6455 §5.6].
    public static let text = WebSocketOpcode(rawValue: 0x1)
    /// A binary message [RFC6455 §5.6].
    public static let binary = WebSocketOpcode(rawValue: 0x2)
    /// The closing handshake, with an optional status code and reason [RFC6455 §5.5.1].
    public static let close = WebSocketOpcode(rawValue: 0x8)
    /// A ping [RFC6455 §5.5.2].
    public static let ping = WebSocketOpcode(rawValue: 0x9)
    /// A pong [RFC6455 §5.5.3].
    public static let pong = WebSocketOpcode(rawValue: 0xA)

    /// Control frames (close, ping, pong and the reserved 0xB–0xF) have the high bit set [RFC6455 §5.5].
    public var isControl: Bool { rawValue & 0x8 != 0 }

    /// Opcodes RFC 6455 defines; the others are reserved.
    public var isDefined: Bool {
        switch rawValue {
        case 0, 1, 2, 8, 9, 10: true
        default: false
        }
    }

    /// `text`, `binary`, `close`, `ping`, `pong`, `continuation`, or `opcode 3` for a reserved one.
    public var description: String {
        switch self {
        case .continuation: "continuation"
        case .text: "text"
        case .binary: "binary"
        case .close: "close"
        case .ping: "ping"
        case .pong: "pong"
        default: "opcode \(rawValue)"
        }
    }
}
