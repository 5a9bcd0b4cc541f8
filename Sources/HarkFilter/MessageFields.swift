import HarkCore
import NIOCore
import HarkModel

/// The filter's view of a message on an upgraded connection.
extension FilterNode {
    /// Whether the message satisfies this node.
    func holds(for message: ConnectionMessage) -> Bool {
        switch self {
        case .all(let nodes):
            for node in nodes where !node.holds(for: message) { return false }
            return true
        case .any(let nodes):
            for node in nodes where node.holds(for: message) { return true }
            return false
        case .not(let node):
            return !node.holds(for: message)
        case .test(.proto(let name)):
            return name.applicationProtocol == message.applicationProtocol
        case .test(.text(.messageText, let pattern)):
            guard let text = MessageFields.text(of: message) else { return false }
            return pattern.matches(text[...])
        case .test(.present(.messageText)):
            return MessageFields.text(of: message) != nil
        case .test(let test):
            return test.holds(forConnection: message.connection) ?? false
        }
    }
}

enum MessageFields {
    /// Bytes of a message's text a filter looks at.
    static let textLimit = 64 << 10

    /// The start of a text message's payload as text; nil for other messages.
    static func text(of message: ConnectionMessage) -> String? {
        guard message.isText, let bytes = try? message.payload.content.readAll(limit: textLimit) else { return nil }
        return String(decoding: bytes.readableBytesView, as: UTF8.self)
    }
}
