public import HarkFilter
import HarkCore

/// What a list of exchanges can be sorted by.
public enum ExchangeSortKey: String, Sendable, CaseIterable {
    case time, status, method, host, path, proto, type, size, duration
}

extension ExchangeList {
    /// The ids of the rows, from `position` on, that `filter` matches, in list order.
    ///
    /// The filter runs on the rows themselves (`ExchangeRow` is a `FilterSubject`). Rows hold every field
    /// the filter language reads except headers other than `Content-Type`: a filter that reads them
    /// (`Filter.readsHeaders`) reads each exchange back from `store`, which is much slower.
    public func matching(_ filter: Filter, from position: Int = 0, in store: LiveStore) -> [Int] {
        var ids: [Int] = []
        if filter.readsHeaders {
            forEach(from: position) { row in
                if let exchange = store.exchange(id: row.id), filter.matches(exchange) { ids.append(row.id) }
            }
        } else {
            forEach(from: position) { row in
                if filter.matches(summary: row) { ids.append(row.id) }
            }
        }
        return ids
    }

    /// `ids` (of rows in this list) ordered by `key`, ties in list order; ids no longer kept are left out.
    public func sorted(_ ids: [Int], by key: ExchangeSortKey, ascending: Bool = true) -> [Int] {
        let rows = ids.compactMap { id in position(of: id).flatMap { self[$0] } }
        switch key {
        case .time: return ascending ? rows.map(\.id) : rows.reversed().map(\.id)
        case .status: return Self.sort(rows, ascending) { $0.status?.rawValue ?? -1 }
        case .size: return Self.sort(rows, ascending) { $0.responseBodySize }
        case .duration: return Self.sort(rows, ascending) { $0.duration.nanoseconds }
        case .method: return Self.sort(rows, ascending) { $0.method.rawValue }
        case .host: return Self.sort(rows, ascending) { $0.host }
        case .path: return Self.sort(rows, ascending) { String($0.path) }
        case .proto: return Self.sort(rows, ascending) { $0.protocolLabel }
        case .type: return Self.sort(rows, ascending) { $0.contentType ?? "" }
        }
    }

    /// The rows' ids sorted by a key computed once per row; equal keys keep list order.
    private static func sort<Key: Comparable>(_ rows: [ExchangeRow], _ ascending: Bool, key: (ExchangeRow) -> Key) -> [Int] {
        let keyed = rows.enumerated().map { (key: key($0.element), index: $0.offset) }
        return keyed.sorted { left, right in
            if left.key != right.key { return ascending ? left.key < right.key : left.key > right.key }
            return left.index < right.index
        }.map { rows[$0.index].id }
    }
}
