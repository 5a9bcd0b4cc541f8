/// A shell-style glob: `*` matches any run of characters (slashes and dots included), `?` exactly one
/// character, `\*`, `\?` and `\\` the character itself; everything else matches itself.
///
/// Matching walks UTF-8 bytes with the classic single-backtrack algorithm: linear for one `*`, at
/// worst O(text × pattern), never recursive, and it allocates nothing.
struct GlobPattern: Hashable, Sendable {
    private enum Element: Hashable, Sendable {
        case byte(UInt8)
        case anyCharacter
        case anyRun
    }

    private let elements: [Element]
    private let ignoresCase: Bool

    /// Whether `text` has an unescaped `*` or `?`, which makes it a glob rather than plain text.
    static func isGlob(_ text: String) -> Bool {
        var escaped = false
        for byte in text.utf8 {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") {
                return true
            }
        }
        return false
    }

    /// Plain text with glob escapes undone (`\*` → `*`), for values that turn out not to be globs.
    static func unescaped(_ text: String) -> String {
        var bytes: [UInt8] = []
        var escaped = false
        for byte in text.utf8 {
            if !escaped, byte == UInt8(ascii: "\\") {
                escaped = true
                continue
            }
            if escaped, byte != UInt8(ascii: "*"), byte != UInt8(ascii: "?"), byte != UInt8(ascii: "\\") {
                bytes.append(UInt8(ascii: "\\"))
            }
            escaped = false
            bytes.append(byte)
        }
        if escaped { bytes.append(UInt8(ascii: "\\")) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A glob from its text; with `ignoresCase`, ASCII letters match either case.
    init(_ pattern: String, ignoresCase: Bool) {
        var elements: [Element] = []
        var escaped = false
        for byte in pattern.utf8 {
            if escaped {
                escaped = false
                if byte != UInt8(ascii: "*"), byte != UInt8(ascii: "?"), byte != UInt8(ascii: "\\") {
                    elements.append(.byte(UInt8(ascii: "\\")))
                }
                elements.append(.byte(ignoresCase ? ASCIICase.lower(byte) : byte))
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "*") {
                if elements.last != .anyRun { elements.append(.anyRun) }
            } else if byte == UInt8(ascii: "?") {
                elements.append(.anyCharacter)
            } else {
                elements.append(.byte(ignoresCase ? ASCIICase.lower(byte) : byte))
            }
        }
        if escaped { elements.append(.byte(UInt8(ascii: "\\"))) }
        self.elements = elements
        self.ignoresCase = ignoresCase
    }

    /// Whether the whole of `text` matches.
    func matches(_ text: Substring) -> Bool {
        ASCIICase.withBytes(of: text) { matches($0) }
    }

    /// Whether the whole of `bytes` (UTF-8) matches.
    func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var textIndex = 0
        var patternIndex = 0
        // Where to resume after the most recent `*`: the pattern element after it, and the text
        // position it has swallowed up to.
        var starPattern = -1
        var starText = 0
        while textIndex < bytes.count {
            if patternIndex < elements.count {
                switch elements[patternIndex] {
                case .anyRun:
                    starPattern = patternIndex
                    starText = textIndex
                    patternIndex += 1
                    continue
                case .anyCharacter:
                    textIndex = Self.characterEnd(bytes, from: textIndex)
                    patternIndex += 1
                    continue
                case .byte(let expected):
                    let byte = ignoresCase ? ASCIICase.lower(bytes[textIndex]) : bytes[textIndex]
                    if byte == expected {
                        textIndex += 1
                        patternIndex += 1
                        continue
                    }
                }
            }
            guard starPattern >= 0 else { return false }
            starText = Self.characterEnd(bytes, from: starText)
            textIndex = starText
            patternIndex = starPattern + 1
        }
        while patternIndex < elements.count, elements[patternIndex] == .anyRun { patternIndex += 1 }
        return patternIndex == elements.count
    }

    /// The index after the UTF-8 sequence starting at `index` (continuation bytes skipped).
    private static func characterEnd(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xc0 == 0x80 { end += 1 }
        return end
    }
}
