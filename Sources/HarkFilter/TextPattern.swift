/// What a text field is compared with: exact text, a glob, or a regular expression, each compiled once
/// when the filter is parsed.
///
/// Not `Sendable`: the standard library's `Regex` is not (it lowers its program lazily on first use).
struct TextPattern {
    private enum Matcher {
        /// The whole value equals these bytes (lower-cased already when case is ignored).
        case equal([UInt8])
        case glob(GlobPattern)
        /// A match anywhere in the value.
        case regex(CompiledRegex)
    }

    /// A class around `Regex`, whose layout (from a resilient library) is only known at run time: held
    /// by reference, it leaves every enum and struct around it with a fixed layout, so that matching
    /// needs no run-time metadata.
    private final class CompiledRegex {
        let regex: Regex<AnyRegexOutput>

        init(_ regex: Regex<AnyRegexOutput>) {
            self.regex = regex
        }
    }

    private let matcher: Matcher
    private let ignoresCase: Bool
    /// Whether the pattern's text has a `;`, so that a media type comparison takes the parameters too.
    let mentionsParameters: Bool

    /// Exact text, or a glob when it has an unescaped `*` or `?`.
    init(text: String, ignoresCase: Bool) {
        if GlobPattern.isGlob(text) {
            matcher = .glob(GlobPattern(text, ignoresCase: ignoresCase))
        } else {
            let plain = GlobPattern.unescaped(text)
            matcher = .equal(ignoresCase ? plain.utf8.map(ASCIICase.lower) : Array(plain.utf8))
        }
        self.ignoresCase = ignoresCase
        mentionsParameters = text.utf8.contains(UInt8(ascii: ";"))
    }

    /// A compiled regular expression, case-insensitive when the field is.
    init(regex: Regex<AnyRegexOutput>, ignoresCase: Bool) {
        matcher = .regex(CompiledRegex(ignoresCase ? regex.ignoresCase() : regex))
        self.ignoresCase = ignoresCase
        mentionsParameters = true
    }

    /// Whether `text` matches: all of it for text and globs, any part of it for a regular expression.
    func matches(_ text: Substring) -> Bool {
        switch matcher {
        case .equal(let expected):
            return ASCIICase.withBytes(of: text) { bytes in
                expected.withUnsafeBufferPointer { expected in
                    ignoresCase ? ASCIICase.equal(bytes, lowercased: expected) : bytes.elementsEqual(expected)
                }
            }
        case .glob(let glob):
            return glob.matches(text)
        case .regex(let compiled):
            return text.contains(compiled.regex)
        }
    }
}
