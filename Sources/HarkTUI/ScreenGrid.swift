/// What the screen shows, as a grid of cells: views draw into it, `ScreenDiff` turns the difference
/// from the last frame into one write, and tests compare it as text (`lines`).
///
/// Text put into the grid is always made safe: control characters (C0, DEL, C1) become visible escapes
/// (`\x1B`, `\n`), so bytes from a capture can never drive the terminal, and a wide character that would
/// not fit at the right edge becomes a space.
struct ScreenGrid: Equatable, Sendable {
    let width: Int
    let height: Int
    private(set) var cells: [Cell]

    init(width: Int, height: Int) {
        self.width = max(1, width)
        self.height = max(1, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, x < width, y >= 0, y < height else { return .blank }
        return cells[y * width + x]
    }

    /// Draws `text` from column `x` of row `y`, clipped at `x + maxWidth` (the right edge by default).
    /// - Returns: the column after the last one drawn.
    @discardableResult
    mutating func put(_ text: String, x: Int, y: Int, style: CellStyle = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let limit = min(width, x + (maxWidth ?? width))
        var column = x
        for character in text {
            for piece in Self.safe(character) {
                let cellWidth = CharacterWidth.of(piece)
                if cellWidth == 0 {
                    // A combining mark joins the character before it.
                    if column > 0, column - 1 < width, column - 1 >= x {
                        cells[y * width + column - 1].text.append(piece)
                    }
                    continue
                }
                guard column + cellWidth <= limit else { return column }
                if column >= 0 {
                    cells[y * width + column] = Cell(text: String(piece), style: style)
                    if cellWidth == 2 { cells[y * width + column + 1] = Cell(text: "", style: style) }
                }
                column += cellWidth
            }
        }
        return column
    }

    /// Fills `count` cells of row `y` from `x` with spaces in `style`.
    mutating func fill(x: Int, y: Int, count: Int, style: CellStyle) {
        let start = max(0, x)
        let end = min(width, x + count)
        guard y >= 0, y < height, start < end else { return }
        for column in start..<end {
            cells[y * width + column] = Cell(text: " ", style: style)
        }
    }

    /// Sets the style of cells `x..<x+count` of row `y`, keeping their text.
    mutating func restyle(x: Int, y: Int, count: Int, style: CellStyle) {
        let start = max(0, x)
        let end = min(width, x + count)
        guard y >= 0, y < height, start < end else { return }
        for column in start..<end {
            cells[y * width + column].style = style
        }
    }

    /// The rows as text (trailing spaces kept), for golden tests.
    var lines: [String] {
        (0..<height).map { y in (0..<width).map { self[$0, y].text }.joined() }
    }

    /// The character as it may be shown: itself, or its escape when it is a control character.
    static func safe(_ character: Character) -> [Character] {
        guard character.unicodeScalars.contains(where: isControl) else { return [character] }
        var result: [Character] = []
        for scalar in character.unicodeScalars {
            if isControl(scalar) {
                result.append(contentsOf: escape(scalar))
            } else {
                result.append(Character(scalar))
            }
        }
        return result
    }

    /// C0 and C1 controls, DEL, and the bidirectional controls that would reorder what follows them
    /// on screen (U+200E, U+200F, U+202A…U+202E, U+2066…U+2069).
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F..<0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x09: return "  "
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        default:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{" + hex + "}"
        }
    }
}
