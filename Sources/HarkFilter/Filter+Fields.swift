extension Filter {
    /// Whether the filter reads header fields other than `Content-Type` (`header.NAME`,
    /// `req.header.NAME`, `resp.header.NAME`): a store that keeps only an exchange's summary in memory
    /// must read the exchange back to evaluate such a filter.
    public var readsHeaders: Bool {
        var pending = [root]
        while let node = pending.popLast() {
            switch node {
            case .all(let nodes), .any(let nodes): pending.append(contentsOf: nodes)
            case .not(let inner): pending.append(inner)
            case .test(.text(.header(_, let name), _)), .test(.present(.header(_, let name))):
                if name != "content-type" { return true }
            case .test: break
            }
        }
        return false
    }
}
