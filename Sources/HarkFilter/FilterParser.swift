/// Recursive descent over the grammar, `not` binding tightest, then `and`, then `or`:
/// ```
/// expression := and-expr (("or" | "||") and-expr)*
/// and-expr   := unary (("and" | "&&") unary)*
/// unary      := ("not" | "!") unary | primary
/// primary    := "(" expression ")" | field operator value | field ("exists" | "missing")
/// ```
struct FilterParser {
    /// Deepest nesting of parentheses and `not` accepted, so that no expression can exhaust the stack.
    static let maximumDepth = 64

    let expression: String
    private var scanner: FilterScanner
    /// The token under consideration; the scanner stands just after it.
    private var current: FilterToken
    private var depth = 0
    /// The first field that connections lack, for checking a filter meant for them.
    private(set) var firstExchangeField: FilterToken?

    init(_ expression: String) {
        self.expression = expression
        scanner = FilterScanner(expression)
        current = scanner.next()
    }

    /// Parses the whole expression.
    mutating func parse() throws(FilterSyntaxError) -> FilterNode {
        if current.kind == .end {
            throw error(at: current, "the filter is empty", hint: "give a condition such as status=5xx or host=*.example.com")
        }
        let node = try parseOr()
        switch current.kind {
        case .end:
            return node
        case .rightParen:
            throw error(at: current, "this \")\" has no \"(\" to close", hint: "remove it, or add the \"(\" it belongs to")
        case .invalid("&"), .invalid("|"):
            let word = current.text == "&" ? "and" : "or"
            throw error(at: current, "a single \"\(current.text)\" is not an operator", hint: "write \(current.text)\(current.text) or \(word)")
        default:
            throw error(
                at: current,
                "expected \"and\", \"or\" or the end of the filter, found \(describe(current))",
                hint: "join conditions with and / or, e.g. host=example.com and status=5xx; quote values with spaces"
            )
        }
    }

    private mutating func parseOr() throws(FilterSyntaxError) -> FilterNode {
        var terms = [try parseAnd()]
        while current.kind == .or {
            advance()
            terms.append(try parseAnd())
        }
        return terms.count == 1 ? terms[0] : .any(terms)
    }

    private mutating func parseAnd() throws(FilterSyntaxError) -> FilterNode {
        var terms = [try parseUnary()]
        while current.kind == .and {
            advance()
            terms.append(try parseUnary())
        }
        return terms.count == 1 ? terms[0] : .all(terms)
    }

    private mutating func parseUnary() throws(FilterSyntaxError) -> FilterNode {
        guard current.kind == .not else { return try parsePrimary() }
        let not = current
        try enter(at: not)
        advance()
        let operand = try parseUnary()
        depth -= 1
        return .not(operand)
    }

    private mutating func parsePrimary() throws(FilterSyntaxError) -> FilterNode {
        switch current.kind {
        case .leftParen:
            let open = current
            try enter(at: open)
            advance()
            let node = try parseOr()
            guard current.kind == .rightParen else {
                throw error(
                    at: current,
                    "expected \")\" to close the \"(\" at column \(open.column), found \(describe(current))",
                    hint: "add \")\" after the last condition of the group"
                )
            }
            advance()
            depth -= 1
            return node
        case .word(let word):
            return try parseCondition(word)
        case .comparison:
            throw error(at: current, "expected a field name before \"\(current.text)\"", hint: "write field operator value, e.g. status>=500")
        default:
            throw error(
                at: current,
                "expected a condition, found \(describe(current))",
                hint: "a condition is field operator value (status>=500), field exists, or a group in parentheses"
            )
        }
    }

    private mutating func parseCondition(_ word: String) throws(FilterSyntaxError) -> FilterNode {
        let fieldToken = current
        let field = try resolveField(word, at: fieldToken)
        if !field.isConnectionField, firstExchangeField == nil { firstExchangeField = fieldToken }
        advance()
        switch current.kind {
        case .word(let keyword) where ["exists", "missing"].contains(keyword.lowercased()):
            guard field.canBeMissing else {
                throw error(
                    at: current,
                    "\(field.name) is always there, so \"\(keyword)\" does not apply",
                    hint: "exists and missing apply to header.NAME, req.header.NAME, resp.header.NAME, content-type, status, resp.size, stream, grpc.status and grpc.method"
                )
            }
            advance()
            return keyword.lowercased() == "exists" ? .test(.present(field)) : .not(.test(.present(field)))
        case .comparison(let comparison):
            guard field.operators.contains(comparison) else {
                throw error(at: current, "\(field.name) does not take \(comparison.spelling)", hint: operatorsHint(for: field))
            }
            guard let value = try scanner.value(in: expression) else {
                advance()
                throw error(
                    at: current,
                    "expected a value after \"\(field.name) \(comparison.spelling)\", found \(describe(current))",
                    hint: "\(field.name) takes \(field.valueDescription)"
                )
            }
            let test = try ValueCompiler(expression: expression, field: field, comparison: comparison).test(for: value)
            advance()
            return comparison.isNegated ? .not(.test(test)) : .test(test)
        default:
            var hint = operatorsHint(for: field)
            if case .word(let other) = current.kind,
                let keyword = Suggestion.closest(to: other.lowercased(), among: ["exists", "missing"])
            {
                hint = "did you mean \(keyword)? " + hint
            }
            throw error(at: current, "expected an operator after \"\(fieldToken.text)\", found \(describe(current))", hint: hint)
        }
    }

    private func resolveField(_ word: String, at token: FilterToken) throws(FilterSyntaxError) -> FilterField {
        if let field = FilterField.named(word) { return field }
        let lowered = word.lowercased()
        if ["exists", "missing"].contains(lowered) {
            throw error(at: token, "expected a field name before \"\(word)\"", hint: "write header.NAME \(lowered), e.g. header.authorization \(lowered)")
        }
        for prefix in ["header", "req.header", "resp.header", "request.header", "response.header"]
        where lowered == prefix || lowered == prefix + "." {
            throw error(at: token, "\(prefix) needs a header name", hint: "write \(prefix).NAME, e.g. \(prefix).content-type")
        }
        var hint = "fields: " + FilterField.knownNames.joined(separator: ", ")
        if let suggestion = Suggestion.field(for: lowered) { hint = "did you mean \(suggestion)? " + hint }
        throw error(at: token, "unknown field \"\(word)\"", hint: hint)
    }

    private func operatorsHint(for field: FilterField) -> String {
        var hint = "\(field.name) takes " + field.operators.map(\.spelling).joined(separator: ", ")
        if field.canBeMissing { hint += ", exists, missing" }
        return hint
    }

    private mutating func enter(at token: FilterToken) throws(FilterSyntaxError) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw error(at: token, "the filter nests deeper than \(Self.maximumDepth) levels", hint: "remove redundant parentheses or nots")
        }
    }

    private mutating func advance() {
        current = scanner.next()
    }

    private func describe(_ token: FilterToken) -> String {
        token.kind == .end ? "the end of the filter" : "\"\(token.text)\""
    }

    private func error(at token: FilterToken, _ message: String, hint: String) -> FilterSyntaxError {
        FilterSyntaxError(expression: expression, column: token.column, length: token.length, message: message, hint: hint)
    }
}
