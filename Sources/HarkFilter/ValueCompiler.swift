/// Turns the value of one comparison into a compiled test, or an error that says what the field takes.
struct ValueCompiler {
    let expression: String
    let field: FilterField
    let comparison: ComparisonOperator

    /// Latency units, in nanoseconds; a bare number is milliseconds.
    private static let durationUnits: [String: Int64] = ["": 1_000_000, "us": 1_000, "µs": 1_000, "ms": 1_000_000, "s": 1_000_000_000]

    /// The test `field comparison value` stands for (before any `not` for `!=` and `!~`).
    func test(for value: FilterValue) throws(FilterSyntaxError) -> FilterTest {
        switch field.kind {
        case .text:
            guard comparison == .matches || comparison == .notMatches else {
                return .text(field, TextPattern(text: plainText(value.text), ignoresCase: field.ignoresCase))
            }
            do {
                return .text(field, TextPattern(regex: try Regex(value.text), ignoresCase: field.ignoresCase))
            } catch {
                throw self.error(at: value, "invalid regular expression: \(error)", hint: "quote the expression if it has spaces; \\ escapes need no doubling inside quotes")
            }
        case .status:
            return try status(value)
        case .duration:
            return .number(field, NumberComparison(relation: relation, value: try quantity(value, "a duration", units: Self.durationUnits)))
        case .size:
            return .number(field, NumberComparison(relation: relation, value: try quantity(value, "a byte count", units: ByteSize.units)))
        case .number:
            let number = try quantity(value, "a whole number", units: ["": 1])
            if field == .port, number > Int64(UInt16.max) {
                throw error(at: value, "\(value.text) is not a port number", hint: "port takes \(field.valueDescription)")
            }
            return .number(field, NumberComparison(relation: relation, value: number))
        case .protocolName:
            guard let name = ProtocolName(named: value.text) else {
                throw error(at: value, "unknown protocol \"\(value.text)\"", hint: "proto takes \(field.valueDescription)")
            }
            return .proto(name)
        case .address, .endpoint:
            guard let pattern = AddressPattern(value.text, allowsPort: field.kind == .endpoint) else {
                var hint = "\(field.name) takes \(field.valueDescription)"
                if field == .ip, AddressPattern(value.text, allowsPort: true) != nil {
                    hint = "ip takes an address without a port; write client=\(value.text) or server=\(value.text), or port=…"
                }
                throw error(at: value, "expected an IP address after \(spelled), found \"\(value.text)\"", hint: hint)
            }
            return .address(field, pattern)
        }
    }

    private func status(_ value: FilterValue) throws(FilterSyntaxError) -> FilterTest {
        let utf8 = Array(value.text.utf8)
        if utf8.count == 3, utf8[1] | 0x20 == UInt8(ascii: "x"), utf8[2] | 0x20 == UInt8(ascii: "x") {
            let digit = Int(utf8[0]) - Int(UInt8(ascii: "0"))
            guard (1...5).contains(digit) else {
                throw error(at: value, "there is no status class \(value.text)", hint: "status classes are 1xx, 2xx, 3xx, 4xx and 5xx")
            }
            guard relation == .equal else {
                throw error(
                    at: value,
                    "a status class only works with = and !=",
                    hint: "compare with a number instead, e.g. status\(comparison.spelling)\(digit)00"
                )
            }
            return .statusClass(hundreds: digit)
        }
        let code = try quantity(value, "a number", units: ["": 1])
        guard code <= 999 else {
            throw error(at: value, "\(value.text) is not a status code", hint: "status takes \(field.valueDescription)")
        }
        return .number(field, NumberComparison(relation: relation, value: code))
    }

    /// The text a `=` comparison uses: a gRPC method may leave out the leading `/` of its path
    /// (`helloworld.Greeter/SayHello`), unless it starts with a glob wildcard.
    private func plainText(_ text: String) -> String {
        guard field == .grpcMethod, let first = text.utf8.first,
            first != UInt8(ascii: "/"), first != UInt8(ascii: "*"), first != UInt8(ascii: "?")
        else { return text }
        return "/" + text
    }

    /// A decimal number with an optional unit from `units` (keys lower-case), scaled to the base unit.
    private func quantity(_ value: FilterValue, _ noun: String, units: [String: Int64]) throws(FilterSyntaxError) -> Int64 {
        let outcome = Quantity.parse(value.text, units: units)
        let hint = "\(field.name) takes \(field.valueDescription)"
        switch outcome {
        case .value(let number):
            return number
        case .tooLarge:
            throw error(at: value, "\(value.text) is too large", hint: hint)
        case .unknownUnit, .malformed:
            let expected = "expected \(noun) after \(spelled), found \"\(value.text)\""
            if let fixed = Quantity.correctingLookalikes(value.text), case .value = Quantity.parse(fixed, units: units) {
                throw error(at: value, expected, hint: "did you mean \(fixed)? " + hint)
            }
            if case .unknownUnit(let unit) = outcome, units.count > 1 {
                throw error(at: value, "unknown unit \"\(unit)\" in \"\(value.text)\"", hint: hint)
            }
            throw error(at: value, expected, hint: hint)
        }
    }

    /// The relation for `= < <= > >=`; `!=` is `=` under a `not`.
    private var relation: NumberComparison.Relation {
        switch comparison {
        case .less: .less
        case .lessOrEqual: .lessOrEqual
        case .greater: .greater
        case .greaterOrEqual: .greaterOrEqual
        case .equal, .notEqual, .matches, .notMatches: .equal
        }
    }

    /// `"status >="`, as messages quote the comparison.
    private var spelled: String { "\"\(field.name) \(comparison.spelling)\"" }

    private func error(at value: FilterValue, _ message: String, hint: String) -> FilterSyntaxError {
        FilterSyntaxError(expression: expression, column: value.column, length: value.length, message: message, hint: hint)
    }
}
