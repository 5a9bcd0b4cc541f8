/// Turns a new frame into the ANSI output that changes the terminal from the last frame to it: cursor
/// moves only where the next changed cell is not where the cursor already is, a style sequence only when
/// the style changes, everything in one string written at once (no flicker).
enum ScreenDiff {
    /// The bytes that draw `new` over `old` (the whole screen, cleared first, without `old` or when the
    /// size changed).
    static func output(from old: ScreenGrid?, to new: ScreenGrid, color: Bool) -> String {
        var out = ""
        let full = old == nil || old?.width != new.width || old?.height != new.height
        if full { out += "\u{1B}[0m\u{1B}[2J" }
        var cursor: (x: Int, y: Int)? = nil
        var style: CellStyle? = nil
        for y in 0..<new.height {
            for x in 0..<new.width {
                let cell = new[x, y]
                guard full || old?[x, y] != cell else { continue }
                if cell.text.isEmpty { continue }  // the right half of a wide character: drawn with it
                if cursor.map({ $0.x != x || $0.y != y }) ?? true { out += "\u{1B}[\(y + 1);\(x + 1)H" }
                if style != cell.style {
                    out += cell.style.sgr(color: color)
                    style = cell.style
                }
                out += cell.text
                cursor = (x + max(1, cell.text.first.map(CharacterWidth.of) ?? 1), y)
            }
        }
        if !out.isEmpty { out += "\u{1B}[0m" }
        return out
    }
}
