import HarkCore
import HarkFormat
package import HarkModel
import NIOCore

/// How a gRPC call's messages are shown in a trace with `--bodies`, one direction at a time: a bracketed
/// line per message, then its protobuf fields in the style of `protoc --decode_raw` (`1: 150`,
/// `2: "text"`, `3 { … }`, `4: 0x3f800000`, `5: <de ad be ef>`), decoded without a schema.
package struct GRPCMessageText {
    /// Messages shown per direction; the rest are counted.
    static let maximumMessages = 16
    /// Field lines shown per message, nested ones included; the rest are counted.
    static let maximumFields = 64
    /// Bytes of a string or bytes value shown.
    static let maximumValueBytes = 96

    /// Lines to print, without indentation or direction marker.
    package private(set) var lines: [String] = []
    /// Field lines still allowed in the current message.
    private var fieldBudget = 0

    /// - Parameters:
    ///   - messages: the messages kept, in order.
    ///   - count: how many messages went this way, including those not kept.
    package init(_ messages: [GRPCMessage], count: Int) {
        let shown = messages.prefix(Self.maximumMessages)
        for (index, message) in shown.enumerated() {
            lines.append(Self.heading(message, number: index + 1))
            guard message.decodingError == nil, message.payload.readableBytes > 0 else { continue }
            guard let fields = message.protobufFields else {
                lines.append("  [not protobuf wire format]")
                continue
            }
            fieldBudget = Self.maximumFields
            append(fields, depth: 1)
            let left = Self.count(fields) - (Self.maximumFields - fieldBudget)
            if left > 0 { lines.append("  [\(left) more fields]") }
        }
        let rest = count - shown.count
        if rest > 0 { lines.append("[\(rest) more gRPC messages]") }
    }

    /// `[gRPC message 1: 42 B]`, with compression and decoding problems.
    private static func heading(_ message: GRPCMessage, number: Int) -> String {
        var text = "[gRPC message \(number): \(ByteCountFormat.short(Int64(message.wireLength)))"
        if message.isCompressed {
            if let error = message.decodingError {
                text += " compressed, not decoded: " + TerminalText.clean(error)
            } else {
                text += " compressed, \(ByteCountFormat.short(Int64(message.payload.readableBytes))) decoded"
            }
        }
        return text + "]"
    }

    private mutating func append(_ fields: [ProtobufField], depth: Int) {
        let indent = String(repeating: "  ", count: depth)
        for field in fields {
            guard fieldBudget > 0 else { return }
            fieldBudget -= 1
            switch field.value {
            case .varint(let number): lines.append("\(indent)\(field.number): \(number)")
            case .fixed64(let number): lines.append("\(indent)\(field.number): 0x\(Self.hex(number, digits: 16))")
            case .fixed32(let number): lines.append("\(indent)\(field.number): 0x\(Self.hex(UInt64(number), digits: 8))")
            case .bytes(_, let nested?):
                lines.append("\(indent)\(field.number) {")
                append(nested, depth: depth + 1)
                lines.append("\(indent)}")
            case .bytes(let bytes, nil):
                lines.append("\(indent)\(field.number): " + Self.value(bytes))
            }
        }
    }

    /// A field and the fields nested in it.
    private static func count(_ fields: [ProtobufField]) -> Int {
        fields.reduce(0) { total, field in
            guard case .bytes(_, let nested?) = field.value else { return total + 1 }
            return total + 1 + count(nested)
        }
    }

    /// Text in quotes (cut at a character boundary), other bytes in hex.
    private static func value(_ bytes: ByteBuffer) -> String {
        let view = bytes.readableBytesView
        var length = min(view.count, maximumValueBytes)
        let more = { (shown: Int) in view.count > shown ? " [… \(view.count) B]" : "" }
        guard ProtobufWireDecoder.isText(bytes) else {
            let octets = view.prefix(length).map { hex(UInt64($0), digits: 2) }.joined(separator: " ")
            return "<\(octets)>" + more(length)
        }
        while length > 0, length < view.count, view[view.startIndex + length] & 0xC0 == 0x80 { length -= 1 }
        let text = String(decoding: view.prefix(length), as: UTF8.self)
        return "\"" + TerminalText.clean(text.escapingQuotes) + "\"" + more(length)
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

extension String {
    /// With `"` and `\` escaped, for a quoted value.
    fileprivate var escapingQuotes: String {
        guard contains(where: { $0 == "\"" || $0 == "\\" }) else { return self }
        var result = ""
        for character in self {
            if character == "\"" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
