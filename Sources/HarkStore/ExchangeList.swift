/// A full block of rows, never changed again: snapshots share it with the store.
final class RowChunk: Sendable {
    let rows: [ExchangeRow]

    init(_ rows: [ExchangeRow]) {
        self.rows = rows
    }
}

/// The kept exchanges' rows at one moment, oldest first: a snapshot a view reads on its own thread,
/// without locks, while the store goes on. Taking one is cheap (it shares the store's full blocks of
/// rows and copies only the last, partly filled one).
public struct ExchangeList: Sendable {
    /// Rows per full block.
    static let chunkSize = 1024

    var chunks: [RowChunk] = []
    var tail: [ExchangeRow] = []
    /// Rows at the front of the first block (or of `tail` without blocks) that were evicted.
    var skip = 0

    public init() {}

    /// Rows in the list.
    public var count: Int { chunks.count * Self.chunkSize + tail.count - skip }

    public var isEmpty: Bool { count == 0 }

    /// The row at `position` (0 is the oldest kept), or nil outside the list.
    public subscript(position: Int) -> ExchangeRow? {
        guard position >= 0, position < count else { return nil }
        let absolute = position + skip
        let chunk = absolute / Self.chunkSize
        if chunk < chunks.count { return chunks[chunk].rows[absolute % Self.chunkSize] }
        return tail[absolute - chunks.count * Self.chunkSize]
    }

    /// The position of the row of exchange `id` (ids grow along the list), or nil when not kept.
    public func position(of id: Int) -> Int? {
        // Ids are usually consecutive: try the position they would have then.
        if let first = self[0]?.id, let guess = Optional(id - first), self[guess]?.id == id { return guess }
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            guard let row = self[middle] else { return nil }
            if row.id < id { low = middle + 1 } else { high = middle }
        }
        return self[low]?.id == id ? low : nil
    }

    /// The position of the first row added after store version `version` (`count` when none was).
    public func firstPosition(after version: UInt64) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            guard let row = self[middle] else { return count }
            if row.version <= version { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Calls `body` on each row from `position` on, in order, without copying blocks.
    public func forEach(from position: Int = 0, _ body: (ExchangeRow) -> Void) {
        var absolute = max(0, position) + skip
        while absolute < chunks.count * Self.chunkSize {
            let rows = chunks[absolute / Self.chunkSize].rows
            for index in (absolute % Self.chunkSize)..<rows.count { body(rows[index]) }
            absolute = (absolute / Self.chunkSize + 1) * Self.chunkSize
        }
        let tailStart = absolute - chunks.count * Self.chunkSize
        if tailStart < tail.count {
            for index in tailStart..<tail.count { body(tail[index]) }
        }
    }

    // MARK: - Changes (the store's side)

    mutating func append(_ row: ExchangeRow) {
        tail.append(row)
        if tail.count == Self.chunkSize {
            chunks.append(RowChunk(tail))
            tail.removeAll(keepingCapacity: true)
        }
    }

    /// Evicts the oldest `count` rows.
    mutating func removeOldest(_ count: Int) {
        skip += max(0, min(count, self.count))
        let fullChunks = min(skip / Self.chunkSize, chunks.count)
        if fullChunks > 0 {
            chunks.removeFirst(fullChunks)
            skip -= fullChunks * Self.chunkSize
        }
        if chunks.isEmpty, skip > 0, skip == tail.count {
            tail.removeAll(keepingCapacity: true)
            skip = 0
        }
    }
}
