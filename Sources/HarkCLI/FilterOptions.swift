import ArgumentParser
import HarkFilter

/// `--filter EXPR`: shared by every command that shows exchanges or connections. The expression is
/// parsed in `validate()`, so a malformed one is reported before any capture is opened.
struct FilterOptions: ParsableArguments {
    @Option(
        name: .customLong("filter"),
        help: ArgumentHelp(
            "Keep only what matches EXPR: 'host=*.example.com and status>=400' for exchanges, 'port=443' for connections (hark help filter).",
            valueName: "EXPR"
        )
    )
    var expression: String?

    func validate() throws {
        _ = try exchangeFilter()
    }

    /// The filter for exchanges; `Filter.all` when none was given.
    func exchangeFilter() throws -> Filter {
        try compiled(for: .exchanges)
    }

    /// The filter for connections, refusing HTTP fields; `Filter.all` when none was given.
    func connectionFilter() throws -> Filter {
        try compiled(for: .connections)
    }

    private func compiled(for subject: Filter.Subject) throws -> Filter {
        guard let expression else { return .all }
        do {
            return try Filter(expression, for: subject)
        } catch {
            throw ValidationError("--filter: \(error)")
        }
    }
}
