/// "Did you mean …?" for misspelt field names and keywords.
enum Suggestion {
    /// Names people reach for from other tools, and the field they mean here.
    private static let aliases: [String: String] = [
        "code": "status", "status_code": "status", "status-code": "status", "domain": "host", "hostname": "host",
        "authority": "host", "uri": "url", "verb": "method", "type": "content-type", "mime": "content-type",
        "content_type": "content-type", "contenttype": "content-type", "duration": "latency", "time": "latency",
        "rtt": "latency", "size": "resp.size", "protocol": "proto", "addr": "ip", "address": "ip", "src": "client",
        "source": "client", "dst": "server", "dest": "server", "destination": "server", "connection": "conn",
        "tcp": "conn", "headers": "header.NAME",
    ]

    /// The field meant by the lower-cased `name`: a known alias, or the closest field name within two
    /// edits (header prefixes are compared with their `NAME` part kept as written).
    static func field(for name: String) -> String? {
        if let alias = aliases[name] { return alias }
        if let dot = name.lastIndex(of: ".") {
            let head = String(name[..<dot])
            if let prefix = closest(to: head, among: ["header", "req.header", "resp.header"]), prefix != head {
                return prefix + name[dot...]
            }
        }
        let plainNames = FilterField.knownNames.filter { !$0.hasSuffix(".NAME") }
        return closest(to: name, among: plainNames)
    }

    /// The candidate within two edits of `word` (and closer than its own length), nearest first.
    /// Candidates whose length differs by more than two are not compared: so a long word (a filter
    /// read from a hostile file, say) costs no more than a short one.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let length = word.unicodeScalars.count
        let near = candidates.filter { abs($0.unicodeScalars.count - length) <= 2 }
        let scored = near.map { ($0, distance(word, $0)) }.filter { $0.1 <= 2 && $0.1 < word.count }
        return scored.min { $0.1 < $1.1 }?.0
    }

    /// Levenshtein distance between two short strings.
    static func distance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs.unicodeScalars)
        let b = Array(rhs.unicodeScalars)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var row = previous
        for i in 1...a.count {
            row[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                row[j] = min(previous[j] + 1, row[j - 1] + 1, substitution)
            }
            swap(&previous, &row)
        }
        return previous[b.count]
    }
}
