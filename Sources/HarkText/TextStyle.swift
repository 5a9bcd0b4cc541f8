/// An ANSI SGR style (ECMA-48 §8.3.117) for one span of text.
struct TextStyle: RawRepresentable, Hashable, Sendable {
    /// The SGR parameters, as in `ESC [ <rawValue> m`.
    var rawValue: String

    static let dim = TextStyle(rawValue: "2")
    static let bold = TextStyle(rawValue: "1")
    static let red = TextStyle(rawValue: "31")
    static let boldRed = TextStyle(rawValue: "1;31")
    static let green = TextStyle(rawValue: "32")
    static let yellow = TextStyle(rawValue: "33")
    static let blue = TextStyle(rawValue: "34")
    static let cyan = TextStyle(rawValue: "36")
    static let dimYellow = TextStyle(rawValue: "2;33")
}

/// Wraps spans in ANSI styles, or leaves them alone when colour is off.
struct Painter: Sendable {
    /// Whether styles are written.
    let isEnabled: Bool

    /// `text` in `style`; `text` itself when colour is off or `style` is nil.
    func paint(_ text: String, _ style: TextStyle?) -> String {
        guard isEnabled, let style, !text.isEmpty else { return text }
        return "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m"
    }
}
