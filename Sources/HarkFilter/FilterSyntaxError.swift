/// Why a filter expression could not be parsed: where (a 1-based column), what was wrong, and what to
/// write instead.
///
/// `description` renders it the way a compiler does, with the expression and a caret line:
/// ```
/// column 9: expected a number after "status >=", found "4OO"
///   status>=4OO
///           ^^^
/// hint: did you mean 400? status takes a number or a class like 4xx
/// ```
public struct FilterSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The expression as given.
    public var expression: String
    /// The 1-based column (in Unicode scalars) where the problem starts.
    public var column: Int
    /// How many columns the caret line underlines (at least 1).
    public var length: Int
    /// What was wrong.
    public var message: String
    /// What to write instead, or which choices there are; empty when there is nothing to add.
    public var hint: String

    /// An error at `column`, underlining `length` columns.
    public init(expression: String, column: Int, length: Int = 1, message: String, hint: String = "") {
        self.expression = expression
        self.column = max(1, column)
        self.length = max(1, length)
        self.message = message
        self.hint = hint
    }

    /// The message, the expression with a caret line under the problem, and the hint.
    public var description: String {
        var text = "column \(column): \(message)\n  \(expression)\n  "
        text += String(repeating: " ", count: column - 1) + String(repeating: "^", count: length)
        if !hint.isEmpty { text += "\nhint: \(hint)" }
        return text
    }
}
