import HarkCore
import HarkFilter
import HarkFormat
import HarkModel
public import HarkStore
import NIOConcurrencyHelpers

/// The timeline of a `LiveStore`: what `hark web` serves and `hark timeline` writes, read from the one
/// store the interactive views share while the session's thread fills it.
public final class StoreTimeline: TimelineProvider {
    private let store: LiveStore
    private let source: String
    private let live: Bool
    private let options: TimelineOptions
    /// Time zero of the page, fixed by the first answer that saw a connection, so that every later
    /// update uses the same.
    private let fixedOrigin = NIOLockedValueBox<Timestamp?>(nil)

    /// - Parameters:
    ///   - store: the store the session fills.
    ///   - source: the capture's name, shown on the page.
    ///   - live: whether the capture is followed as it is written (stdin from a pipe, an interface).
    ///   - options: what the documents include.
    public init(store: LiveStore, source: String, live: Bool, options: TimelineOptions = TimelineOptions()) {
        self.store = store
        self.source = source
        self.live = live
        self.options = options
    }

    private var origin: Timestamp {
        if let fixed = fixedOrigin.withLockedValue({ $0 }) { return fixed }
        guard let first = store.connections().first?.info.firstTimestamp else { return Timestamp(nanoseconds: 0) }
        return fixedOrigin.withLockedValue { fixed in
            if fixed == nil { fixed = first }
            return fixed ?? first
        }
    }

    public func timeline() -> [UInt8] {
        var writer = TimelineJSON(origin: origin, options: options)
        return writer.document(store: store, source: source, live: live)
    }

    public func exchange(id: Int) -> [UInt8]? {
        guard let exchange = store.exchange(id: id) else { return nil }
        var writer = TimelineJSON(origin: origin, options: options)
        return writer.detailDocument(exchange)
    }

    public func changes(since version: UInt64) -> TimelineChanges? {
        guard store.version > version else { return nil }
        let changes = store.changes(since: version)
        var writer = TimelineJSON(origin: origin, options: options)
        let json = writer.changes(changes, store: store)
        return TimelineChanges(version: changes.version, json: json, isFinal: changes.counters.isFinished)
    }

    /// Matches exchanges with the filter language; a connection matches when one of its exchanges
    /// does, or, for an expression about connections only (`proto`, `ip`, `port`, `client`, `server`,
    /// `conn`), when it matches itself.
    public func filter(_ expression: String) -> [UInt8] {
        var json = JSONWriter(capacity: 4096)
        json.beginObject()
        do throws(FilterSyntaxError) {
            let filter = try Filter(expression)
            let rows = store.exchanges()
            let ids = rows.matching(filter, in: store)
            var connections = Set<Int>()
            for id in ids {
                if let position = rows.position(of: id), let row = rows[position] { connections.insert(row.connectionID) }
            }
            if (try? Filter(expression, for: .connections)) != nil {
                for summary in store.connections() {
                    let info = summary.info
                    let context = ConnectionContext(id: info.id, client: info.client, server: info.server, tls: summary.tls)
                    let applicationProtocol = summary.record?.applicationProtocol ?? .unknown
                    if filter.matches(context, applicationProtocol: applicationProtocol) { connections.insert(info.id) }
                }
            }
            json.key("exchanges")
            json.beginArray()
            for id in ids { json.integer(id) }
            json.endArray()
            json.key("connections")
            json.beginArray()
            for id in connections.sorted() { json.integer(id) }
            json.endArray()
        } catch {
            json.member("error", error.description)
        }
        json.endObject()
        return json.buffer.withBytes { Array($0) }
    }
}
