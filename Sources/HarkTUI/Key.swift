/// A key press, decoded from the terminal's bytes.
enum Key: Hashable, Sendable {
    case character(Character)
    case control(Character)  // Ctrl-A … Ctrl-Z, as the lower-case letter
    case enter, escape, backspace, tab, backTab
    case up, down, left, right, pageUp, pageDown, home, end, delete
}

/// Decodes terminal input: UTF-8 characters, control keys, and the CSI (`ESC [`) and SS3 (`ESC O`)
/// sequences of arrows, Home/End, PgUp/PgDn and Delete (ECMA-48; xterm's variants). An escape with
/// nothing after it in the same read is the Escape key; an unknown sequence is dropped whole.
struct KeyDecoder {
    private var pending: [UInt8] = []

    /// The keys in `bytes` (plus what an earlier read left incomplete).
    mutating func decode(_ bytes: [UInt8]) -> [Key] {
        pending += bytes
        var keys: [Key] = []
        var index = 0
        while index < pending.count {
            let byte = pending[index]
            switch byte {
            case 0x1B:
                guard index + 1 < pending.count else {
                    keys.append(.escape)
                    index += 1
                    continue
                }
                let next = pending[index + 1]
                if next == UInt8(ascii: "[") || next == UInt8(ascii: "O") {
                    var end = index + 2
                    while end < pending.count, !(0x40...0x7E).contains(pending[end]) { end += 1 }
                    guard end < pending.count else {
                        pending = Array(pending[index...])  // wait for the rest
                        return keys
                    }
                    if let key = Self.sequence(Array(pending[(index + 2)...end])) { keys.append(key) }
                    index = end + 1
                } else {
                    keys.append(.escape)
                    index += 1
                }
            case 0x0D, 0x0A: keys.append(.enter); index += 1
            case 0x09: keys.append(.tab); index += 1
            case 0x7F, 0x08: keys.append(.backspace); index += 1
            case 0x01...0x1A:
                keys.append(.control(Character(Unicode.Scalar(byte + 0x60))))
                index += 1
            case 0x00..<0x20: index += 1
            default:
                let length = byte < 0xC0 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
                guard index + length <= pending.count else {
                    pending = Array(pending[index...])
                    return keys
                }
                if let text = String(validating: pending[index..<(index + length)], as: UTF8.self), let character = text.first {
                    keys.append(.character(character))
                }
                index += length
            }
        }
        pending = []
        return keys
    }

    /// The key of a CSI or SS3 sequence's parameters and final byte.
    private static func sequence(_ body: [UInt8]) -> Key? {
        guard let final = body.last else { return nil }
        let parameters = String(decoding: body.dropLast(), as: UTF8.self)
        switch final {
        case UInt8(ascii: "A"): return .up
        case UInt8(ascii: "B"): return .down
        case UInt8(ascii: "C"): return .right
        case UInt8(ascii: "D"): return .left
        case UInt8(ascii: "H"): return .home
        case UInt8(ascii: "F"): return .end
        case UInt8(ascii: "Z"): return .backTab
        case UInt8(ascii: "~"):
            switch parameters.split(separator: ";").first {
            case "1", "7": return .home
            case "4", "8": return .end
            case "3": return .delete
            case "5": return .pageUp
            case "6": return .pageDown
            default: return nil
            }
        default: return nil
        }
    }
}
