extension StringProtocol {
    /// Whether `self` equals `lowercase` ignoring ASCII case; `lowercase` must be lower-case ASCII.
    /// Header names are compared this way (RFC 9110 §5.1: field names are case-insensitive).
    func equalsIgnoringASCIICase(_ lowercase: String) -> Bool {
        var mine = utf8.makeIterator()
        var theirs = lowercase.utf8.makeIterator()
        while true {
            switch (mine.next(), theirs.next()) {
            case (nil, nil): return true
            case (let a?, let b?):
                guard a.asciiLowercased == b else { return false }
            default: return false
            }
        }
    }

    /// Whether `self` starts with `lowercase` ignoring ASCII case; `lowercase` must be lower-case ASCII.
    func hasPrefixIgnoringASCIICase(_ lowercase: String) -> Bool {
        var mine = utf8.makeIterator()
        for expected in lowercase.utf8 {
            guard let byte = mine.next(), byte.asciiLowercased == expected else { return false }
        }
        return true
    }

    /// `self` without leading and trailing spaces and tabs (RFC 9110 §5.6.3 OWS).
    func trimmingHTTPWhitespace() -> String {
        let text = Substring(self)
        guard let first = text.utf8.firstIndex(where: { !$0.isHTTPWhitespace }),
            let last = text.utf8.lastIndex(where: { !$0.isHTTPWhitespace })
        else { return "" }
        return String(text[first...last])
    }
}

extension UInt8 {
    /// The byte with ASCII `A`…`Z` mapped to `a`…`z`.
    var asciiLowercased: UInt8 {
        (0x41...0x5A).contains(self) ? self | 0x20 : self
    }

    /// Space or horizontal tab.
    var isHTTPWhitespace: Bool {
        self == 0x20 || self == 0x09
    }
}
