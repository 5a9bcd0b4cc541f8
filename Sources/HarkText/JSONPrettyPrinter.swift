/// Re-indents JSON text by two spaces per level, keeping member order, numbers and string escapes
/// exactly as sent (nothing is parsed into values and written back).
///
/// It checks only what indentation needs: strings are closed, brackets balance and nest properly, and
/// nothing but whitespace follows the top-level value. Anything else returns nil, and the caller
/// prints the text as it is.
enum JSONPrettyPrinter {
    /// The indented text, or nil when `bytes` is not a JSON object or array.
    static func indent(_ bytes: some Collection<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count &* 2)
        var closers: [UInt8] = []
        var inString = false
        var escaped = false
        var finished = false
        var emptyContainer = false

        func newline() {
            output.append(UInt8(ascii: "\n"))
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 &* closers.count))
        }

        for byte in bytes {
            if inString {
                output.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                continue
            case _ where finished:
                return nil
            case _ where closers.isEmpty && byte != UInt8(ascii: "{") && byte != UInt8(ascii: "["):
                return nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if emptyContainer { newline() }
                output.append(byte)
                closers.append(byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                emptyContainer = true
                continue
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard closers.last == byte else { return nil }
                closers.removeLast()
                if !emptyContainer { newline() }
                output.append(byte)
                finished = closers.isEmpty
            case UInt8(ascii: ","):
                output.append(byte)
                newline()
            case UInt8(ascii: ":"):
                output.append(byte)
                output.append(UInt8(ascii: " "))
            default:
                if emptyContainer { newline() }
                output.append(byte)
                inString = byte == UInt8(ascii: "\"")
            }
            emptyContainer = false
        }
        return finished && !inString ? output : nil
    }
}
