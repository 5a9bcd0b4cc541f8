/// One encoder's QPACK dynamic table as its decoder sees it (RFC 9204 §3.2): entries by absolute index
/// (the insert count when they were inserted), evicted oldest first when the capacity is exceeded.
struct QPACKDynamicTable {
    /// The size an entry counts (RFC 9204 §3.2.1): its name and value lengths plus 32.
    static func size(name: String, value: String) -> Int { name.utf8.count &+ value.utf8.count &+ 32 }

    /// Entries still in the table, oldest first; the first has absolute index `droppedCount`.
    private var entries: [(name: String, value: String)] = []
    private(set) var droppedCount = 0
    private(set) var size = 0
    private(set) var capacity = 0

    /// Inserts so far (the Known Received Count upper bound, RFC 9204 §2.1.4).
    var insertCount: Int { droppedCount &+ entries.count }

    /// Sets the capacity, evicting what no longer fits.
    mutating func setCapacity(_ capacity: Int) {
        self.capacity = capacity
        evict(toFit: 0)
    }

    /// Adds an entry; false when it is larger than the whole capacity (an encoder stream error).
    mutating func insert(name: String, value: String) -> Bool {
        let entrySize = Self.size(name: name, value: value)
        guard entrySize <= capacity else { return false }
        evict(toFit: entrySize)
        entries.append((name, value))
        size &+= entrySize
        return true
    }

    /// The entry with absolute index `index`; nil when never inserted or already evicted.
    func entry(absolute index: UInt64) -> (name: String, value: String)? {
        guard index >= UInt64(droppedCount), index < UInt64(insertCount) else { return nil }
        return entries[Int(index) &- droppedCount]
    }

    /// The entry `relative` steps before the latest insert (encoder-stream relative indexing).
    func entry(relativeToInsertCount relative: UInt64) -> (name: String, value: String)? {
        guard relative < UInt64(insertCount) else { return nil }
        return entry(absolute: UInt64(insertCount) &- 1 &- relative)
    }

    private mutating func evict(toFit incoming: Int) {
        while size &+ incoming > capacity, let oldest = entries.first {
            entries.removeFirst()
            droppedCount &+= 1
            size &-= Self.size(name: oldest.name, value: oldest.value)
        }
    }
}
