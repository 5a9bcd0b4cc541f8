/// A line of text in parts, each with its style: what the detail tabs and the help are made of.
struct StyledLine: Sendable, Equatable {
    struct Span: Sendable, Equatable {
        var text: String
        var style: CellStyle
    }

    var spans: [Span]

    init(_ text: String = "", _ style: CellStyle = .plain) {
        spans = text.isEmpty ? [] : [Span(text: text, style: style)]
    }

    init(spans: [Span]) {
        self.spans = spans
    }

    /// The line's text without styles (for search).
    var text: String { spans.map(\.text).joined() }

    /// Appends a part.
    mutating func append(_ text: String, _ style: CellStyle = .plain) {
        spans.append(Span(text: text, style: style))
    }

    /// Draws the line into row `y` of `grid` from column `x`, skipping its first `skip` characters.
    func draw(into grid: inout ScreenGrid, x: Int, y: Int, maxWidth: Int) {
        var column = x
        for span in spans where column < x + maxWidth {
            column = grid.put(span.text, x: column, y: y, style: span.style, maxWidth: x + maxWidth - column)
        }
    }
}
