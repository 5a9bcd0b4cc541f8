/// A token of the expression's structure: field names, operators, keywords, parentheses.
struct FilterToken: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        /// A field name or a keyword (`exists`, `missing`), as written.
        case word(String)
        case comparison(ComparisonOperator)
        case and
        case or
        case not
        case leftParen
        case rightParen
        case end
        /// A character the language does not use here; the parser reports it.
        case invalid(String)
    }

    var kind: Kind
    /// 1-based column of the first character.
    var column: Int
    /// Columns covered (at least 1, for the caret line).
    var length: Int
    /// The characters as written.
    var text: String
}

/// A value after an operator: a quoted string with its escapes undone, or a bare run of characters.
struct FilterValue: Hashable, Sendable {
    var text: String
    var column: Int
    var length: Int
}

/// Splits an expression into tokens on demand. The parser asks for a structural token (`next`) or,
/// right after an operator, for a value (`value`), so values may hold characters that are operators
/// elsewhere (`url=http://h/?a=b`, `path~^/(a|b)/`).
struct FilterScanner {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ expression: String) {
        scalars = Array(expression.unicodeScalars)
    }

    /// The next structural token.
    mutating func next() -> FilterToken {
        skipWhitespace()
        let start = position
        guard let first = scalar(at: position) else {
            return FilterToken(kind: .end, column: start + 1, length: 1, text: "")
        }
        let second = scalar(at: position + 1)
        let kind: FilterToken.Kind
        switch (first, second) {
        case ("(", _): kind = .leftParen
        case (")", _): kind = .rightParen
        case ("&", "&"): kind = .and
        case ("|", "|"): kind = .or
        case ("!", "="): kind = .comparison(.notEqual)
        case ("!", "~"): kind = .comparison(.notMatches)
        case ("!", _): kind = .not
        case ("=", "="): kind = .comparison(.equal)
        case ("=", _): kind = .comparison(.equal)
        case ("<", "="): kind = .comparison(.lessOrEqual)
        case ("<", _): kind = .comparison(.less)
        case (">", "="): kind = .comparison(.greaterOrEqual)
        case (">", _): kind = .comparison(.greater)
        case ("~", _): kind = .comparison(.matches)
        default:
            guard Self.isWordScalar(first) else {
                position += 1
                return token(.invalid(String(first)), from: start)
            }
            while let scalar = scalar(at: position), Self.isWordScalar(scalar) { position += 1 }
            let word = text(from: start)
            switch word.lowercased() {
            case "and": return token(.and, from: start)
            case "or": return token(.or, from: start)
            case "not": return token(.not, from: start)
            default: return token(.word(word), from: start)
            }
        }
        let isPair: Bool
        switch kind {
        case .and, .or, .comparison(.notEqual), .comparison(.notMatches), .comparison(.lessOrEqual),
            .comparison(.greaterOrEqual):
            isPair = true
        case .comparison(.equal): isPair = second == "="
        default: isPair = false
        }
        position += isPair ? 2 : 1
        return token(kind, from: start)
    }

    /// The value that starts at the current position, or nil when there is none (end of expression, or
    /// a `)`, `&&` or `||` first).
    ///
    /// A bare value runs to whitespace, `&&`, `||` or a `)` that closes a parenthesis opened before it;
    /// parentheses inside it must balance. A quoted value (`"…"` or `'…'`) undoes `\"`, `\'`, `\\`,
    /// `\n`, `\r` and `\t`; any other backslash is kept, so regular expressions such as `"\d+"` need no
    /// doubling.
    /// - Throws: a `FilterSyntaxError` for a quote that is never closed.
    mutating func value(in expression: String) throws(FilterSyntaxError) -> FilterValue? {
        skipWhitespace()
        let start = position
        guard let first = scalar(at: position) else { return nil }
        if first == "\"" || first == "'" {
            return try quoted(by: first, in: expression)
        }
        var depth = 0
        while let scalar = scalar(at: position) {
            let next = self.scalar(at: position + 1)
            if scalar.properties.isWhitespace || (scalar == "&" && next == "&") || (scalar == "|" && next == "|") {
                break
            }
            if scalar == "(" { depth += 1 }
            if scalar == ")" {
                if depth == 0 { break }
                depth -= 1
            }
            position += 1
        }
        guard position > start else { return nil }
        return FilterValue(text: text(from: start), column: start + 1, length: position - start)
    }

    private mutating func quoted(by quote: Unicode.Scalar, in expression: String) throws(FilterSyntaxError) -> FilterValue {
        let start = position
        position += 1
        var text = String.UnicodeScalarView()
        while let scalar = scalar(at: position) {
            position += 1
            if scalar == quote {
                return FilterValue(text: String(text), column: start + 1, length: position - start)
            }
            guard scalar == "\\", let escaped = self.scalar(at: position) else {
                text.append(scalar)
                continue
            }
            position += 1
            switch escaped {
            case "\"", "'", "\\": text.append(escaped)
            case "n": text.append("\n")
            case "r": text.append("\r")
            case "t": text.append("\t")
            default:
                text.append("\\")
                text.append(escaped)
            }
        }
        throw FilterSyntaxError(
            expression: expression,
            column: start + 1,
            message: "this string is never closed",
            hint: "end it with \(quote) (write \\\(quote) for a quote inside it)"
        )
    }

    private func scalar(at index: Int) -> Unicode.Scalar? {
        index >= 0 && index < scalars.count ? scalars[index] : nil
    }

    private mutating func skipWhitespace() {
        while let scalar = scalar(at: position), scalar.properties.isWhitespace { position += 1 }
    }

    private func text(from start: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<position])
        return String(view)
    }

    private func token(_ kind: FilterToken.Kind, from start: Int) -> FilterToken {
        FilterToken(kind: kind, column: start + 1, length: position - start, text: text(from: start))
    }

    /// Characters of field names and keywords: header-name characters (RFC 9110 tchar less `!`, `&`,
    /// `'`, `*`, `|` and `~`).
    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && FilterField.isHeaderNameByte(UInt8(truncatingIfNeeded: scalar.value))
    }
}
