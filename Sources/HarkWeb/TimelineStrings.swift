/// The strings of one timeline document, each written once: columns and header lists refer to them by
/// position in the document's `strings` array, so that the hosts, methods, content types and header
/// names repeated over thousands of exchanges cost a few digits each.
struct TimelineStrings {
    private var positions: [String: Int] = [:]
    /// The strings in order of first use.
    private(set) var list: [String] = []

    /// The position of `text`, added when new.
    mutating func index(_ text: String) -> Int {
        if let known = positions[text] { return known }
        positions[text] = list.count
        list.append(text)
        return list.count - 1
    }
}
