/// Makes captured text safe to print: a body or header from the wire may hold escape sequences that
/// would move the cursor, retitle the window or hide output, or newlines that would break a line.
public enum TerminalText {
    /// `text` with every control character except tab shown as an escape (`\x1B`, `\r`, `\u{85}`).
    public static func clean(_ text: String) -> String {
        guard text.utf8.contains(where: needsCheck) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count &+ 16)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09: result.unicodeScalars.append(scalar)
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x00..<0x20, 0x7F: result += "\\x" + hex(scalar.value, digits: 2)
            case 0x80..<0xA0: result += "\\u{" + hex(scalar.value, digits: 2) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Whether a UTF-8 byte may start something `clean` changes: a C0 control, DEL, or the lead byte
    /// 0xC2 of a C1 control (U+0080…U+009F).
    private static func needsCheck(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x09) || byte == 0x7F || byte == 0xC2
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
