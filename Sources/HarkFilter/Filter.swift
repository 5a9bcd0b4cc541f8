public import HarkModel

/// A parsed `--filter` expression that selects exchanges or connections, the same way in every view.
///
/// Parsing does all the work up front: field names are resolved, numbers and units read, globs and
/// regular expressions compiled, constants lower-cased. A malformed expression throws a
/// ``FilterSyntaxError`` pointing at the column, before any capture is opened. Matching then walks the
/// compiled tree; simple comparisons allocate nothing.
///
/// ### Example
/// ```swift
/// let filter = try Filter("host=*.example.com and (status=5xx or latency>1s)")
/// for exchange in exchanges where filter.matches(exchange) { … }
/// ```
///
/// A field the exchange lacks (a status when no response was captured, a header that was not sent)
/// satisfies no comparison, so its negation (`!=`, `!~`, `not`) holds.
///
/// Not `Sendable`, because the standard library's `Regex` is not; parse one per task instead.
public struct Filter: CustomStringConvertible {
    /// What a filter will be applied to.
    public enum Subject: Hashable, Sendable {
        /// HTTP exchanges: every field applies.
        case exchanges
        /// TCP connections: only `proto`, `ip`, `port`, `client`, `server` and `conn`.
        case connections
    }

    /// The expression as given.
    public let expression: String
    let root: FilterNode
    /// The first field connections lack, kept to explain why the filter does not suit them.
    private let firstExchangeField: FilterToken?

    /// Parses `expression` for `subject`.
    /// - Throws: ``FilterSyntaxError`` when the expression is malformed, or uses a field `subject`
    ///   lacks (an HTTP field in a filter for connections).
    public init(_ expression: String, for subject: Subject = .exchanges) throws(FilterSyntaxError) {
        var parser = FilterParser(expression)
        root = try parser.parse()
        self.expression = expression
        firstExchangeField = parser.firstExchangeField
        try check(for: subject)
    }

    private init() {
        expression = ""
        root = .all([])
        firstExchangeField = nil
    }

    /// The filter that matches everything: what no `--filter` means.
    public static var all: Filter { Filter() }

    /// Checks that the filter suits `subject`; a filter parsed for exchanges may be checked again for
    /// connections.
    /// - Throws: ``FilterSyntaxError`` at the first field `subject` lacks.
    public func check(for subject: Subject) throws(FilterSyntaxError) {
        guard subject == .connections, let token = firstExchangeField else { return }
        throw FilterSyntaxError(
            expression: expression,
            column: token.column,
            length: token.length,
            message: "connections have no field \"\(token.text)\"",
            hint: "connection filters take " + FilterField.connectionNames.joined(separator: ", ")
                + "; HTTP fields apply to exchanges (har, trace, stats)"
        )
    }

    /// Whether `exchange` satisfies the filter.
    public func matches(_ exchange: Exchange) -> Bool {
        root.holds(for: exchange)
    }

    /// Whether a summary of an exchange (a `FilterSubject` other than `Exchange`, such as the live
    /// store's row) satisfies the filter; see `readsHeaders` for the header fields a summary may lack.
    public func matches<Subject: FilterSubject>(summary: Subject) -> Bool {
        root.holds(for: summary)
    }

    /// Whether a message on an upgraded connection (a WebSocket message) satisfies the filter: `msg`
    /// is its text (text messages only), `proto` its protocol, connection fields its connection's; the
    /// HTTP fields count as missing.
    public func matches(_ message: ConnectionMessage) -> Bool {
        root.holds(for: message)
    }

    /// Whether a connection satisfies the filter. HTTP fields (which a filter checked for
    /// ``Subject/connections`` never has) count as missing.
    /// - Parameters:
    ///   - connection: its id and endpoints.
    ///   - applicationProtocol: what it carried.
    public func matches(_ connection: ConnectionContext, applicationProtocol: ApplicationProtocol) -> Bool {
        root.holds(for: connection, applicationProtocol: applicationProtocol)
    }

    /// The expression.
    public var description: String { expression }
}
