@testable import HarkText
import Testing

struct TerminalTextTests {
    @Test(arguments: [
        ("plain text", "plain text"),
        ("tab\tkept", "tab\tkept"),
        ("\u{1B}]0;title\u{07}", "\\x1B]0;title\\x07"),
        ("line\r\nbreak", "line\\r\\nbreak"),
        ("del\u{7F}", "del\\x7F"),
        ("c1\u{9B}31m", "c1\\u{9B}31m"),
        ("µs and ünïcode", "µs and ünïcode"),
    ])
    func escapesControlCharacters(input: String, expected: String) {
        #expect(TerminalText.clean(input) == expected)
    }
}
