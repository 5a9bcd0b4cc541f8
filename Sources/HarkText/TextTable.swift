/// A table printed as aligned text columns: the first column left-aligned, the others right-aligned
/// (they hold numbers), two spaces between columns.
struct TextTable {
    /// Column titles.
    var header: [String]
    /// Cells, row by row; short rows are padded with empty cells.
    var rows: [[String]] = []

    /// The header line and one line per row.
    var lines: [String] {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], cell.unicodeScalars.count)
            }
        }
        return all.map { row in
            var line = ""
            for column in widths.indices {
                let cell = column < row.count ? row[column] : ""
                let padding = String(repeating: " ", count: widths[column] - cell.unicodeScalars.count)
                if column > 0 { line += "  " }
                line += column == 0 ? cell + padding : padding + cell
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }
}
