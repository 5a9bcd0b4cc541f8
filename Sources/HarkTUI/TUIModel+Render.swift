import HarkCore
import HarkFilter
import HarkModel
import HarkFormat
import HarkStore

/// Drawing the screens into a grid.
extension TUIModel {
    /// The frame for a terminal of `width` x `height`.
    func render(width: Int, height: Int) -> ScreenGrid {
        var grid = ScreenGrid(width: width, height: height)
        pageHeight = max(1, height - 4)
        switch screen {
        case .list: drawList(&grid)
        case .detail: drawDetail(&grid)
        case .help: drawHelp(&grid)
        }
        drawBottom(&grid)
        return grid
    }

    // MARK: - List

    private func drawList(_ grid: inout ScreenGrid) {
        let columns = ListColumns(width: grid.width)
        drawTitle(&grid, right: "? help")
        for (column, x, width) in columns.columns {
            var title = ListColumns.title(column)
            if sortColumn == column { title += ascending ? "▲" : "▼" }
            grid.put(title, x: x, y: 1, style: .bold, maxWidth: width)
        }
        let rowsShown = max(0, grid.height - 4)
        if selected < top { top = selected }
        if selected >= top + rowsShown { top = selected - rowsShown + 1 }
        top = max(0, min(top, max(0, visible.count - rowsShown)))
        let onScreen = (top..<min(visible.count, top + rowsShown)).compactMap { index in
            rows.position(of: visible[index]).flatMap { rows[$0] }.map { (index, $0) }
        }
        let scale = WaterfallScale(onScreen.map(\.1.timing))
        for (line, (index, row)) in onScreen.enumerated() {
            drawRow(row, y: line + 2, columns: columns, scale: scale, into: &grid, isSelected: index == selected)
        }
        if visible.isEmpty {
            let text = pendingQuery != nil ? "filtering…" : counters.exchanges == 0 ? (counters.isFinished ? "no HTTP exchanges in this capture" : "waiting for exchanges…") : "no exchange matches the filter"
            grid.put(text, x: 2, y: 3, style: .dim)
        }
    }

    private var sortColumn: ListColumns.Column {
        switch sortKey {
        case .time: .time
        case .status: .status
        case .method: .method
        case .host: .host
        case .path: .path
        case .proto: .proto
        case .type: .type
        case .size: .size
        case .duration: .duration
        }
    }

    private func drawRow(_ row: ExchangeRow, y: Int, columns: ListColumns, scale: WaterfallScale, into grid: inout ScreenGrid, isSelected: Bool) {
        let marked = marks.contains(row.id)
        for (column, x, width) in columns.columns {
            switch column {
            case .time:
                // The first cell: › for the selected row, * for a marked one (seen without colour too).
                grid.put(isSelected ? "›" : marked ? "*" : " ", x: x, y: y, style: .bold)
                grid.put(ListStyle.timeOfDay(row.timing.start), x: x + 1, y: y, style: marked ? .bold : .dim, maxWidth: width - 1)
            case .status:
                grid.put(row.status.map { $0 == .absent ? "0.9" : $0.description } ?? "---", x: x, y: y, style: ListStyle.status(row.status), maxWidth: width)
            case .method: grid.put(row.method.rawValue, x: x, y: y, style: .bold, maxWidth: width)
            case .host: grid.put(ListStyle.fit(row.host, width), x: x, y: y, maxWidth: width)
            case .path: grid.put(ListStyle.fit(String(row.path), width), x: x, y: y, maxWidth: width)
            case .proto: grid.put(row.protocolLabel + (row.isTLS ? "s" : ""), x: x, y: y, style: .dim, maxWidth: width)
            case .type: grid.put(ListStyle.fit(row.contentType.map { String($0.prefix { $0 != ";" }) } ?? "", width), x: x, y: y, style: .dim, maxWidth: width)
            case .size: grid.put(DetailContent.pad(ListStyle.size(row.responseBodySize), width, right: true), x: x, y: y, maxWidth: width)
            case .duration:
                let text = row.status == nil && row.timing.responseEnd == nil ? "-" : ListStyle.duration(row.duration)
                grid.put(DetailContent.pad(text, width, right: true), x: x, y: y, maxWidth: width)
            case .waterfall: scale.draw(row.timing, x: x, y: y, width: width, into: &grid)
            }
        }
        if row.problemCount > 0, let last = columns.columns.last {
            grid.put("!", x: last.x + last.width, y: y, style: .color(CellStyle.red, bold: true))
        }
        if isSelected {
            for x in 0..<grid.width {
                var style = grid[x, y].style
                style.reverse = true
                grid.restyle(x: x, y: y, count: 1, style: style)
            }
        }
    }

    private func drawTitle(_ grid: inout ScreenGrid, right: String) {
        grid.fill(x: 0, y: 0, count: grid.width, style: .reverse)
        // Where a launched command's output goes comes first: a long command line must not hide it.
        var title = " hark · " + (commandOutputPath.map { "command output → " + $0 + " · " } ?? "") + sourceName
        if !counters.isFinished {
            title += counters.bytesRead > 0 ? " · reading (\(ByteCountFormat.short(counters.bytesRead)))" : " · reading"
        }
        grid.put(title, x: 0, y: 0, style: .reverse, maxWidth: max(0, grid.width - right.count - 2))
        grid.put(right, x: max(0, grid.width - right.count - 1), y: 0, style: .reverse)
    }

    // MARK: - Detail

    private func drawDetail(_ grid: inout ScreenGrid) {
        var heading = "#\(detailID ?? 0)"
        if let exchange = detailExchange {
            heading += " " + exchange.request.method.rawValue + " " + exchange.request.url(server: exchange.connection.server)
            if let response = exchange.response { heading += " → \(response.status) \(response.reason)" }
        }
        grid.fill(x: 0, y: 0, count: grid.width, style: .reverse)
        grid.put(" " + heading, x: 0, y: 0, style: .reverse, maxWidth: grid.width - 9)
        grid.put("q back", x: grid.width - 7, y: 0, style: .reverse)
        var x = 0
        let labels = detailTabs.enumerated().map { " \($0.offset + 1) \($0.element.title) " }
        let fits = labels.reduce(-1) { $0 + $1.count + 1 } <= grid.width
        for (index, candidate) in detailTabs.enumerated() {
            let label = fits ? labels[index] : " \(index + 1) \(candidate.shortTitle) "
            x = grid.put(label, x: x, y: 1, style: candidate == tab ? CellStyle(bold: true, reverse: true) : .dim) + 1
        }
        let rowsShown = max(0, grid.height - 4)
        for line in 0..<rowsShown {
            let index = detailScroll + line
            guard index < detailLines.count else { break }
            let text = detailLines[index]
            text.draw(into: &grid, x: 1, y: line + 2, maxWidth: grid.width - 1)
            if !search.isEmpty, text.text.lowercased().contains(search.lowercased()) {
                grid.put("›", x: 0, y: line + 2, style: .color(CellStyle.yellow, bold: true))
            }
        }
    }

    // MARK: - Help

    private func drawHelp(_ grid: inout ScreenGrid) {
        drawTitle(&grid, right: "any key: back")
        let lines = HelpText.lines
        for line in 0..<max(0, grid.height - 3) {
            let index = helpScroll + line
            guard index < lines.count else { break }
            lines[index].draw(into: &grid, x: 1, y: line + 1, maxWidth: grid.width - 1)
        }
    }

    // MARK: - Bottom lines

    private func drawBottom(_ grid: inout ScreenGrid) {
        let filterRow = grid.height - 2
        let statusRow = grid.height - 1
        grid.fill(x: 0, y: statusRow, count: grid.width, style: .reverse)
        if let prompt {
            grid.fill(x: 0, y: statusRow, count: grid.width, style: .plain)
            let end = grid.put(prompt.label + prompt.text, x: 0, y: statusRow, style: .bold)
            grid.put(" ", x: end, y: statusRow, style: .reverse)
            return
        }
        if isEditingFilter {
            let label = "filter: "
            grid.put(label, x: 0, y: filterRow, style: .bold)
            let end = grid.put(draft, x: label.count, y: filterRow)
            grid.put(" ", x: end, y: filterRow, style: .reverse)
            if let error = draftError {
                // The error at its column: underline the columns it names, explain on the line below.
                let start = label.count + error.column - 1
                grid.restyle(x: start, y: filterRow, count: error.length, style: CellStyle(foreground: CellStyle.red, bold: true, underline: true))
                grid.fill(x: 0, y: statusRow, count: grid.width, style: .plain)
                let caret = String(repeating: " ", count: max(0, start)) + String(repeating: "^", count: error.length) + " "
                let x = grid.put(caret, x: 0, y: statusRow, style: .color(CellStyle.red, bold: true))
                let hint = error.hint.isEmpty ? "" : " (" + error.hint + ")"
                grid.put("column \(error.column): " + error.message + hint, x: x, y: statusRow, style: .color(CellStyle.red))
            } else {
                grid.put(" Enter: done · Esc: cancel · the list follows as you type", x: 0, y: statusRow, style: .reverse)
            }
            return
        }
        if screen == .list, !filterText.isEmpty {
            grid.put("filter: ", x: 0, y: filterRow, style: .dim)
            grid.put(filterText, x: 8, y: filterRow, style: .bold)
        }
        if let message {
            grid.put(" " + message, x: 0, y: statusRow, style: .reverse)
            return
        }
        grid.put(" " + statusText, x: 0, y: statusRow, style: .reverse)
    }

    /// `12/31 shown · 2 evicted · 3 with problems · 1 error · follow · sort size ▼ · 2 marked`.
    var statusText: String {
        switch screen {
        case .detail:
            let last = min(detailLines.count, detailScroll + pageHeight)
            return "\(detailLines.isEmpty ? 0 : detailScroll + 1)–\(last)/\(detailLines.count) · ←→ tabs · / n N search · y curl · w save · q back · ? help"
        case .help:
            return "any key: back"
        case .list:
            var parts = ["\(visible.count)/\(rows.count) shown"]
            if pendingQuery != nil { parts[0] += " (filtering…)" }
            if counters.evictedExchanges > 0 { parts.append("\(counters.evictedExchanges) evicted") }
            if counters.exchangesWithProblems > 0 { parts.append("\(counters.exchangesWithProblems) with problems") }
            if counters.errors > 0 { parts.append("\(counters.errors) capture errors") }
            if counters.droppedDiagnostics > 0 { parts.append("\(counters.droppedDiagnostics) diagnostics dropped") }
            if follow { parts.append("follow") }
            if sortKey != .time || !ascending { parts.append("sort \(sortKey.rawValue) \(ascending ? "▲" : "▼")") }
            if !marks.isEmpty { parts.append("\(marks.count) marked") }
            parts.append(counters.isFinished ? "done" : "reading…")
            return parts.joined(separator: " · ")
        }
    }
}
