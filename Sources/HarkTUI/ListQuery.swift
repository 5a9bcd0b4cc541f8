import HarkFilter
import HarkStore

/// A full recomputation of the shown list (a new filter or sort order) over a snapshot: run on a
/// worker thread so that typing never waits for it, and applied only if nothing newer was asked since.
struct ListQuery: Sendable {
    /// Which request this answers; older answers are dropped.
    var generation: Int
    var filterText: String
    var sortKey: ExchangeSortKey
    var ascending: Bool
    var rows: ExchangeList
    /// The version of the newest row in `rows`: rows after it are added incrementally afterwards.
    var lastVersion: UInt64

    /// The ids to show, in order.
    func run(store: LiveStore) -> [Int] {
        let filter = (try? Filter(filterText)) ?? Filter.all
        let ids = filterText.isEmpty ? rows.matching(.all, in: store) : rows.matching(filter, in: store)
        return rows.sorted(ids, by: sortKey, ascending: ascending)
    }
}
