@testable import HarkFilter
import Testing

struct FilterScannerTests {
    private func tokens(_ expression: String) -> [FilterToken.Kind] {
        var scanner = FilterScanner(expression)
        var kinds: [FilterToken.Kind] = []
        while true {
            let token = scanner.next()
            kinds.append(token.kind)
            if token.kind == .end { return kinds }
        }
    }

    @Test func operatorsAndKeywords() {
        #expect(
            tokens("a = b == c != d < e <= f > g >= h ~ i !~ j") == [
                .word("a"), .comparison(.equal), .word("b"), .comparison(.equal), .word("c"), .comparison(.notEqual),
                .word("d"), .comparison(.less), .word("e"), .comparison(.lessOrEqual), .word("f"), .comparison(.greater),
                .word("g"), .comparison(.greaterOrEqual), .word("h"), .comparison(.matches), .word("i"),
                .comparison(.notMatches), .word("j"), .end,
            ]
        )
        #expect(tokens("AND and && Or || NOT not ! ( )") == [.and, .and, .and, .or, .or, .not, .not, .not, .leftParen, .rightParen, .end])
        #expect(tokens("!(a)") == [.not, .leftParen, .word("a"), .rightParen, .end])
        #expect(tokens("& | @") == [.invalid("&"), .invalid("|"), .invalid("@"), .end])
        #expect(tokens("resp.header.x-request-id") == [.word("resp.header.x-request-id"), .end])
    }

    @Test func columnsAreOneBasedAndCountCharacters() {
        var scanner = FilterScanner("é  host>=1")
        #expect(scanner.next().column == 1)
        let host = scanner.next()
        #expect(host.column == 4)
        #expect(host.length == 4)
        let comparison = scanner.next()
        #expect(comparison.column == 8)
        #expect(comparison.length == 2)
    }

    @Test func bareValuesStopAtWhitespaceJoinersAndAnUnopenedParenthesis() throws {
        var scanner = FilterScanner("a=b)c (x(y)z)&&w u||v")
        func value() throws -> String? { try scanner.value(in: "")?.text }
        #expect(try value() == "a=b")
        #expect(scanner.next().kind == .rightParen)
        #expect(try value() == "c")
        #expect(try value() == "(x(y)z)")
        #expect(scanner.next().kind == .and)
        #expect(try value() == "w")
        #expect(try value() == "u")
        #expect(scanner.next().kind == .or)
        #expect(try value() == "v")
        #expect(try value() == nil)
    }

    @Test(arguments: [
        (#""plain""#, "plain"), (#""with space""#, "with space"), (#"'single'"#, "single"), (#""a\"b""#, #"a"b"#),
        (#"'a\'b'"#, "a'b"), (#""a'b""#, "a'b"), (#"'a"b'"#, #"a"b"#), (#""back\\slash""#, #"back\slash"#),
        (#""tab\there""#, "tab\there"), (#""line\nbreak""#, "line\nbreak"), (#""\d+\.\w""#, #"\d+\.\w"#), (#""""#, ""),
        (#""ends with \\""#, #"ends with \"#),
    ])
    func quotedValues(source: String, text: String) throws {
        var scanner = FilterScanner(source)
        let value = try #require(try scanner.value(in: source))
        #expect(value.text == text)
        #expect(value.length == source.unicodeScalars.count)
    }

    @Test func anUnclosedQuoteIsAnError() {
        var scanner = FilterScanner(#"  "abc\""#)
        #expect(throws: FilterSyntaxError.self) { try scanner.value(in: "") }
    }
}
