/// Column widths that grow to the widest value seen so far, so that a stream of lines printed one at
/// a time lines up without knowing the lines to come (alignment settles after the first few).
struct ElasticWidth: Sendable {
    private(set) var width: Int

    /// - Parameter minimum: the width to start from.
    init(minimum: Int = 0) {
        width = minimum
    }

    /// `text` padded with spaces on the right to the column width, widening the column if needed.
    mutating func left(_ text: String) -> String {
        let count = text.unicodeScalars.count
        width = max(width, count)
        return text + String(repeating: " ", count: width - count)
    }

    /// `text` padded with spaces on the left to the column width, widening the column if needed.
    mutating func right(_ text: String) -> String {
        let count = text.unicodeScalars.count
        width = max(width, count)
        return String(repeating: " ", count: width - count) + text
    }
}
