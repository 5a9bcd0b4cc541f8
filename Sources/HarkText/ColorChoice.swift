/// When to colour text output: the `--color` option.
public enum ColorChoice: String, CaseIterable, Sendable {
    /// When standard output is a terminal and `NO_COLOR` is unset or empty (https://no-color.org).
    case auto
    /// Always, even into a pipe (for `less -R`).
    case always
    /// Never.
    case never

    /// Whether to colour.
    ///
    /// - Parameters:
    ///   - isTerminal: whether the output is a terminal.
    ///   - noColor: the `NO_COLOR` environment variable, nil when unset.
    public func usesColor(isTerminal: Bool, noColor: String?) -> Bool {
        switch self {
        case .always: true
        case .never: false
        case .auto: isTerminal && (noColor ?? "").isEmpty
        }
    }
}
