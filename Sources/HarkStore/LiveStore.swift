public import HarkCore
public import HarkModel
import NIOCore
import Synchronization

/// The one bounded store the interactive views read: exchanges (as compact rows, with their details in
/// a journal on disk past a small allowance), connections with their summaries, TCP events and packets,
/// diagnostics and counters.
///
/// The session's thread writes through a `StoreObserver`; views read on their own threads: a snapshot
/// of the rows (`exchanges()`) to filter and sort without holding the lock, one exchange whole
/// (`exchange(id:)`, read back from the journal), one connection (`connection(id:)`), and what changed
/// since a version (`changes(since:)`) for live updates. Every write takes the lock for a few
/// microseconds; no query holds it while filtering, sorting or reading the journal, so the analysis
/// never waits for a view.
///
/// Bounded: at most `StoreLimits.maxExchanges` exchanges (the oldest evicted and counted), a bounded
/// number of connections, events and packets per connection (the rest aggregated or counted), and the
/// latest diagnostics.
///
/// ### Example
/// ```swift
/// let store = LiveStore()
/// var observer = StoreObserver(store: store)
/// startThread { _ = CaptureSession(reader: reader).run(observer: &observer); store.finish() }
/// let list = store.exchanges()                                   // on the view's thread
/// let shown = try list.matching(Filter("status>=400"), in: store)
/// ```
public final class LiveStore: Sendable {
    /// The configuration it was made with.
    public let configuration: StoreConfiguration
    private let state: Mutex<StoreState>

    public init(configuration: StoreConfiguration = StoreConfiguration()) {
        self.configuration = configuration
        state = Mutex(StoreState(configuration: configuration))
    }

    // MARK: - Writing (the session's thread, through `StoreObserver`)

    func write<Result>(_ body: (inout StoreState) -> Result) -> Result {
        state.withLock { body(&$0) }
    }

    /// Adds an exchange, serializing its details before taking the lock.
    func add(_ exchange: Exchange) {
        let record = ExchangeCodec.encode(exchange, maxBodyBytes: configuration.limits.maxBodyBytes)
        write { $0.add(exchange, record: record) }
    }

    /// Notes that the session ended: nothing more will come.
    public func finish() {
        write { state in
            _ = state.bump()
            state.counters.isFinished = true
        }
    }

    // MARK: - Queries (any thread)

    /// The current version: it grows with every change.
    public var version: UInt64 { state.withLock { $0.version } }

    /// The counters now.
    public var counters: StoreCounters { state.withLock { $0.currentCounters } }

    /// The kept exchanges' rows now, oldest first: a snapshot to read without the lock.
    public func exchanges() -> ExchangeList {
        state.withLock { $0.rows }
    }

    /// One exchange whole, read back from the journal: heads, bodies (in memory, up to
    /// `StoreLimits.maxBodyBytes` each), gRPC messages, connection. Nil when it was evicted or its
    /// details could not be read back.
    public func exchange(id: Int) -> Exchange? {
        let found: (row: ExchangeRow, storage: BodyStorage)? = state.withLock { state in
            guard let position = state.rows.position(of: id), let row = state.rows[position],
                let storage = state.journal.storage(for: row.location)
            else { return nil }
            return (row, storage)
        }
        guard let found else { return nil }
        guard let record = try? found.storage.read(from: found.row.location.offset, count: found.row.location.length),
            record.readableBytes == found.row.location.length, let exchange = ExchangeCodec.decode(record)
        else {
            write { $0.counters.unreadableDetails += 1 }
            return nil
        }
        return exchange
    }

    /// One connection with its events and packets; nil when unknown or evicted.
    public func connection(id: Int) -> ConnectionEntry? {
        state.withLock { $0.connections[id] }
    }

    /// Every kept connection without its events and packets, in order of opening.
    public func connections() -> [ConnectionSummary] {
        state.withLock { state in
            state.connectionOrder[state.connectionHead...].compactMap { state.connections[$0]?.summary }
        }
    }

    /// The latest diagnostics (at most `StoreLimits.maxDiagnostics`), oldest first.
    public func diagnostics() -> [Diagnostic] {
        state.withLock { $0.keptDiagnostics.map(\.diagnostic) }
    }

    /// What changed after `version`: new exchange rows, connections that changed (without events and
    /// packets: ask `connection(id:)`), new diagnostics, and the counters. Pass the returned `version`
    /// next time. Rows evicted meanwhile are not listed; `firstExchangeID` says where the kept ones begin.
    public func changes(since version: UInt64) -> StoreChanges {
        let (rows, changes) = state.withLock { state -> (ExchangeList, StoreChanges) in
            var changes = StoreChanges(version: state.version, counters: state.currentCounters)
            changes.firstExchangeID = state.rows[0]?.id
            for id in state.connectionOrder[state.connectionHead...] {
                if let entry = state.connections[id], entry.version > version { changes.connections.append(entry.summary) }
            }
            changes.diagnostics = state.keptDiagnostics.filter { $0.version > version }.map(\.diagnostic)
            return (state.rows, changes)
        }
        var result = changes
        let start = rows.firstPosition(after: version)
        result.exchanges.reserveCapacity(rows.count - start)
        rows.forEach(from: start) { result.exchanges.append($0) }
        return result
    }
}

/// What changed in a store after a version (see `LiveStore.changes(since:)`).
public struct StoreChanges: Sendable {
    /// The store's version when this was taken: pass it to the next `changes(since:)`.
    public var version: UInt64
    /// Rows added since, oldest first.
    public var exchanges: [ExchangeRow] = []
    /// The id of the oldest kept exchange; rows before it were evicted.
    public var firstExchangeID: Int?
    /// Connections opened, changed or closed since, in order of opening.
    public var connections: [ConnectionSummary] = []
    /// Diagnostics reported since (those still kept).
    public var diagnostics: [Diagnostic] = []
    /// The counters now.
    public var counters: StoreCounters
}
