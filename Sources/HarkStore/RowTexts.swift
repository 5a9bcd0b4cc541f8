/// A row's texts in one string: each present text's UTF-8 bytes one after the other, with where each
/// ends and which are present, so a million rows cost one heap object each rather than one per text.
struct RowTexts: Sendable, Hashable {
    static let capacity = 10

    private let text: String
    /// UTF-8 offset where text `i` ends (it starts where text `i - 1` ends).
    private let ends: InlineArray<10, UInt32>
    /// Bit `i` set when text `i` is present.
    private let present: UInt16

    /// Packs `texts` (at most `capacity`; nil for absent ones).
    init(_ texts: [String?]) {
        var joined = ""
        joined.reserveCapacity(texts.reduce(0) { $0 + ($1?.utf8.count ?? 0) })
        var ends = InlineArray<10, UInt32>(repeating: 0)
        var present: UInt16 = 0
        for index in 0..<min(texts.count, Self.capacity) {
            if let text = texts[index] {
                joined += text
                present |= 1 << index
            }
            // Clamped: a row's texts never approach 4 GiB (they come from one request's head).
            ends[index] = UInt32(clamping: joined.utf8.count)
        }
        text = joined
        self.ends = ends
        self.present = present
    }

    /// Text `index` as a slice of the packed string; nil when absent or out of range.
    subscript(index: Int) -> Substring? {
        guard index >= 0, index < Self.capacity, present & (1 << index) != 0 else { return nil }
        let utf8 = text.utf8
        let start = index == 0 ? 0 : Int(ends[index - 1])
        let end = Int(ends[index])
        guard start <= end, end <= utf8.count else { return nil }
        return text[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)]
    }

    static func == (left: RowTexts, right: RowTexts) -> Bool {
        guard left.present == right.present, left.text == right.text else { return false }
        for index in 0..<Self.capacity where left.ends[index] != right.ends[index] { return false }
        return true
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(present)
        for index in 0..<Self.capacity { hasher.combine(ends[index]) }
    }
}
