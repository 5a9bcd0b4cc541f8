@testable import HarkFilter
import Testing

struct GlobPatternTests {
    @Test(arguments: [
        ("*.example.com", "www.example.com", true), ("*.example.com", "a.b.example.com", true),
        ("*.example.com", "example.com", false), ("/api/*", "/api/", true), ("/api/*", "/api", false),
        ("/api/*", "/api/v1/users", true), ("a?c", "abc", true), ("a?c", "ac", false), ("a?c", "aéc", true),
        ("*", "", true), ("", "", true), ("", "a", false), ("**x**", "abxcd", true), ("*a*b*c*", "xaybzc", true),
        ("*a*b*c*", "xaybz", false), ("*ab", "aaab", true), ("a*a*a", "aaaa", true), ("a*a*a", "aa", false),
        (#"a\*b"#, "a*b", true), (#"a\*b"#, "axb", false), (#"a\?"#, "a?", true), (#"a\b"#, #"a\b"#, true),
        ("日本*", "日本語", true),
    ])
    func caseSensitive(pattern: String, text: String, expected: Bool) {
        #expect(GlobPattern(pattern, ignoresCase: false).matches(text[...]) == expected, "\(pattern) vs \(text)")
    }

    @Test func ignoringCaseFoldsASCIIOnly() {
        let glob = GlobPattern("*.EXAMPLE.com", ignoresCase: true)
        #expect(glob.matches("WWW.example.COM"))
        #expect(!GlobPattern("*.example.com", ignoresCase: false).matches("WWW.EXAMPLE.COM"))
        #expect(!GlobPattern("É*", ignoresCase: true).matches("é"))
    }

    @Test func isGlobOnlyForUnescapedWildcards() {
        #expect(GlobPattern.isGlob("*.a"))
        #expect(GlobPattern.isGlob("a?"))
        #expect(!GlobPattern.isGlob(#"a\*"#))
        #expect(!GlobPattern.isGlob("plain"))
        #expect(GlobPattern.unescaped(#"a\*b\?c\\d\e"#) == #"a*b?c\d\e"#)
    }

    @Test func matchesSlicesInTheMiddleOfAString() {
        let text = "GET /api/v1 HTTP/1.1"
        let slice = text.dropFirst(4).prefix(7)
        #expect(GlobPattern("/api/*", ignoresCase: false).matches(slice))
        #expect(!GlobPattern("*HTTP*", ignoresCase: false).matches(slice))
    }

    @Test func pathologicalPatternsStayFast() {
        let text = String(repeating: "a", count: 10_000) + "b"
        let glob = GlobPattern(String(repeating: "*a", count: 50) + "c", ignoresCase: false)
        let clock = ContinuousClock()
        let elapsed = clock.measure { #expect(!glob.matches(text[...])) }
        #expect(elapsed < .seconds(5))
    }
}
