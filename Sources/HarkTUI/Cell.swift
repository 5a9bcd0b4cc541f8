/// The look of a cell: colours and attributes, written as one SGR sequence (ECMA-48 §8.3.117).
struct CellStyle: Hashable, Sendable {
    var foreground: UInt8?
    var background: UInt8?
    var bold = false
    var dim = false
    var reverse = false
    var underline = false

    static let plain = CellStyle()
    static let bold = CellStyle(bold: true)
    static let dim = CellStyle(dim: true)
    static let reverse = CellStyle(reverse: true)
    static func color(_ code: UInt8, bold: Bool = false) -> CellStyle { CellStyle(foreground: code, bold: bold) }

    /// ANSI colour numbers (30 + n foreground, 40 + n background).
    static let red: UInt8 = 1, green: UInt8 = 2, yellow: UInt8 = 3, blue: UInt8 = 4, magenta: UInt8 = 5, cyan: UInt8 = 6

    /// The SGR parameters, from a reset; colours left out when `color` is false (NO_COLOR).
    func sgr(color: Bool) -> String {
        var parts = ["0"]
        if bold { parts.append("1") }
        if dim { parts.append("2") }
        if underline { parts.append("4") }
        if reverse { parts.append("7") }
        if color, let foreground { parts.append(String(30 + Int(foreground))) }
        if color, let background { parts.append(String(40 + Int(background))) }
        return "\u{1B}[" + parts.joined(separator: ";") + "m"
    }
}

/// One terminal cell: the text it shows (one character, or "" for the right half of a wide one) and
/// its style.
struct Cell: Hashable, Sendable {
    var text: String
    var style: CellStyle

    static let blank = Cell(text: " ", style: .plain)
    /// The right half of a wide character, drawn by the cell before it.
    static let continuation = Cell(text: "", style: .plain)
}
