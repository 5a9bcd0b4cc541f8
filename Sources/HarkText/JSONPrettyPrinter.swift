/// Re-indents JSON text by two spaces per level, keeping member order, numbers and string escapes
/// exactly as sent (nothing is parsed into values and written back).
///
/// It checks only what indentation needs: strings are closed, brackets balance and nest properly (at
/// most ``maximumDepth`` deep), and nothing but whitespace follows the top-level value. Anything else
/// returns nil, and the caller prints the text as it is. Output stops growing at a limit (deep nesting
/// multiplies indentation), while the rest of the input is still checked.
enum JSONPrettyPrinter {
    /// Deeper nesting is printed as it is.
    static let maximumDepth = 64

    /// The indented text, at most about `outputLimit` bytes of it, and whether that is all of it; nil
    /// when `bytes` is not a JSON object or array.
    static func indent(_ bytes: some Collection<UInt8>, outputLimit: Int = .max) -> (text: [UInt8], isWhole: Bool)? {
        var output: [UInt8] = []
        output.reserveCapacity(min(bytes.count, outputLimit) &+ 64)
        var isWhole = true
        var closers: [UInt8] = []
        var inString = false
        var escaped = false
        var finished = false
        var emptyContainer = false

        func emit(_ byte: UInt8) {
            guard isWhole else { return }
            guard output.count < outputLimit else {
                isWhole = false
                return
            }
            output.append(byte)
        }

        func newline() {
            emit(UInt8(ascii: "\n"))
            for _ in 0..<(2 &* closers.count) { emit(UInt8(ascii: " ")) }
        }

        for byte in bytes {
            if inString {
                emit(byte)
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
                guard closers.count < maximumDepth else { return nil }
                if emptyContainer { newline() }
                emit(byte)
                closers.append(byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                emptyContainer = true
                continue
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard closers.last == byte else { return nil }
                closers.removeLast()
                if !emptyContainer { newline() }
                emit(byte)
                finished = closers.isEmpty
            case UInt8(ascii: ","):
                emit(byte)
                newline()
            case UInt8(ascii: ":"):
                emit(byte)
                emit(UInt8(ascii: " "))
            default:
                if emptyContainer { newline() }
                emit(byte)
                inString = byte == UInt8(ascii: "\"")
            }
            emptyContainer = false
        }
        return finished && !inString ? (output, isWhole) : nil
    }
}
