import HarkCore
import HarkFormat
import HarkModel
import HarkStore

/// Writes the JSON the timeline page reads, from a `LiveStore`: the whole document, a live update, one
/// exchange's details. Its shape is `Tests/Schemas/hark-timeline.schema.json`.
///
/// The document is compact, because a report carries it whole (10,000 exchanges and 250,000 packets in
/// under 5 MB): exchanges are columns of numbers, text is a position in the document's `strings`,
/// times are deltas, packets past `TimelineOptions.maxPackets` are aggregated, and a report's
/// exchange details are header lists of string positions, with no HAR entry (the page builds it) and
/// no bodies unless asked. The page expands it into objects once when it loads.
///
/// Times are whole microseconds since `origin` (the first packet of the capture, as an epoch
/// microsecond count in the document), so that the page does integer arithmetic only.
struct TimelineJSON: ~Copyable {
    var json = JSONWriter(capacity: 1 << 16)
    var strings = TimelineStrings()
    let origin: Timestamp
    let options: TimelineOptions
    /// Packets written aggregated instead of one by one because of `options.maxPackets`.
    var omittedPackets = 0

    init(origin: Timestamp, options: TimelineOptions) {
        self.origin = origin
        self.options = options
    }

    func micros(_ timestamp: Timestamp) -> Int64 {
        TimelineTime.micros(timestamp, origin: origin)
    }

    /// The whole timeline.
    mutating func document(store: LiveStore, source: String, live: Bool) -> [UInt8] {
        let counters = store.counters
        let version = store.version
        json.beginObject()
        json.member("format", "hark-timeline")
        json.member("version", 2)
        json.member("source", source)
        json.member("origin", origin.nanoseconds / 1000)
        json.member("storeVersion", Int64(clamping: version))
        json.key("live")
        json.bool(live)
        json.key("finished")
        json.bool(counters.isFinished)
        json.key("counters")
        self.counters(counters)
        let summaries = store.connections()
        var budget = options.maxPackets
        let buckets = Self.bucketsPerConnection(connections: summaries.count)
        json.key("connections")
        json.beginArray()
        for summary in summaries {
            if let entry = store.connection(id: summary.info.id) { connection(entry, packetBudget: &budget, buckets: buckets) }
        }
        json.endArray()
        var rows: [ExchangeRow] = []
        store.exchanges().forEach { rows.append($0) }
        exchanges(rows)
        grpcMessages(rows, store: store)
        if options.includesDetails {
            json.key("details")
            json.beginArray()
            for row in rows {
                if let exchange = store.exchange(id: row.id) { compactDetail(exchange) } else { json.null() }
            }
            json.endArray()
        }
        json.key("diagnostics")
        diagnostics(store.diagnostics())
        json.key("limits")
        json.beginObject()
        json.member("maxPackets", options.maxPackets == .max ? -1 : options.maxPackets)
        json.member("omittedPackets", omittedPackets)
        json.key("details")
        json.bool(options.includesDetails)
        json.key("bodies")
        json.bool(options.includesBodies)
        json.endObject()
        stringTable()
        json.endObject()
        return bytes()
    }

    /// A live update: what changed after a version, with the changed connections whole.
    mutating func changes(_ changes: StoreChanges, store: LiveStore) -> [UInt8] {
        json.beginObject()
        json.member("storeVersion", Int64(clamping: changes.version))
        json.key("finished")
        json.bool(changes.counters.isFinished)
        json.key("counters")
        counters(changes.counters)
        json.key("firstExchangeID")
        if let first = changes.firstExchangeID { json.integer(first) } else { json.null() }
        var budget = options.maxPackets
        let buckets = Self.bucketsPerConnection(connections: changes.connections.count)
        json.key("connections")
        json.beginArray()
        for summary in changes.connections {
            if let entry = store.connection(id: summary.info.id) { connection(entry, packetBudget: &budget, buckets: buckets) }
        }
        json.endArray()
        exchanges(changes.exchanges)
        grpcMessages(changes.exchanges, store: store)
        json.key("diagnostics")
        diagnostics(changes.diagnostics)
        stringTable()
        json.endObject()
        return bytes()
    }

    /// One exchange whole, as `/api/exchanges/ID` answers.
    mutating func detailDocument(_ exchange: Exchange) -> [UInt8] {
        exchangeDetail(exchange)
        return bytes()
    }

    /// Buckets per connection for the packets past the budget: 256 for a few connections, fewer for
    /// many, so that aggregated packets cost at most ~16,000 buckets in all.
    static func bucketsPerConnection(connections: Int) -> Int {
        max(8, min(256, 16_384 / max(1, connections)))
    }

    private mutating func counters(_ counters: StoreCounters) {
        json.beginObject()
        json.member("exchanges", counters.exchanges)
        json.member("evictedExchanges", counters.evictedExchanges)
        json.member("connections", counters.connections)
        json.member("evictedConnections", counters.evictedConnections)
        json.member("aggregatedPackets", counters.aggregatedPackets)
        json.member("diagnostics", counters.diagnostics)
        json.member("errors", counters.errors)
        json.endObject()
    }

    private mutating func diagnostics(_ list: [Diagnostic]) {
        json.beginArray()
        for diagnostic in list {
            json.beginObject()
            json.member("severity", diagnostic.severity.rawValue)
            json.member("message", diagnostic.description)
            json.endObject()
        }
        json.endArray()
    }

    /// The document's `strings`, written last: they are collected while the rest is written.
    private mutating func stringTable() {
        json.key("strings")
        json.beginArray()
        for text in strings.list { json.string(text) }
        json.endArray()
    }

    /// A string position, or null.
    mutating func stringIndex(_ value: String?) {
        if let value { json.integer(strings.index(value)) } else { json.null() }
    }

    mutating func optionalString(_ name: StaticString, _ value: String?) {
        json.key(name)
        if let value { json.string(value) } else { json.null() }
    }

    mutating func optionalTime(_ name: StaticString, _ value: Timestamp?) {
        json.key(name)
        if let value { json.integer(micros(value)) } else { json.null() }
    }

    private func bytes() -> [UInt8] {
        json.buffer.withBytes { Array($0) }
    }
}
