/// A parsed expression, ready to evaluate: `and`/`or` chains are flat lists (so a long chain costs no
/// recursion), `!=` and `!~` are `not` around `=` and `~`.
indirect enum FilterNode {
    /// Every node holds; true for an empty list.
    case all([FilterNode])
    /// At least one node holds.
    case any([FilterNode])
    case not(FilterNode)
    case test(FilterTest)
}

/// One comparison, with its value compiled.
enum FilterTest {
    /// A text field against exact text, a glob or a regular expression.
    case text(FilterField, TextPattern)
    /// A numeric field (status, latency in nanoseconds, sizes in bytes, ports, ids) against a number.
    case number(FilterField, NumberComparison)
    /// The status is in the class `hundreds`xx.
    case statusClass(hundreds: Int)
    /// The field has a value (`exists`).
    case present(FilterField)
    case proto(ProtocolName)
    /// `ip` (either end), `client` or `server` against an address, block or endpoint.
    case address(FilterField, AddressPattern)
}

/// `= < <= > >=` against a number (`!=` is `not =`).
struct NumberComparison: Hashable, Sendable {
    enum Relation: Hashable, Sendable {
        case equal
        case less
        case lessOrEqual
        case greater
        case greaterOrEqual
    }

    var relation: Relation
    var value: Int64

    @inline(__always)
    func holds(for actual: Int64) -> Bool {
        switch relation {
        case .equal: actual == value
        case .less: actual < value
        case .lessOrEqual: actual <= value
        case .greater: actual > value
        case .greaterOrEqual: actual >= value
        }
    }
}
