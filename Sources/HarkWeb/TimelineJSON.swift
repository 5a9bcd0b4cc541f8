import HarkCore
import HarkFormat
import HarkModel
import HarkStore

/// Writes the JSON the timeline page reads, from a `LiveStore`: the whole document, a live update, one
/// exchange's details. Its shape is `Tests/Schemas/hark-timeline.schema.json`.
///
/// Times are whole microseconds since `origin` (the first packet of the capture, as an epoch
/// microsecond count in the document), so that the page does integer arithmetic only.
struct TimelineJSON: ~Copyable {
    var json = JSONWriter(capacity: 1 << 16)
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
        json.member("version", 1)
        json.member("source", source)
        json.member("origin", origin.nanoseconds / 1000)
        json.member("storeVersion", Int64(clamping: version))
        json.key("live")
        json.bool(live)
        json.key("finished")
        json.bool(counters.isFinished)
        json.key("counters")
        self.counters(counters)
        var budget = options.maxPackets
        json.key("connections")
        json.beginArray()
        for summary in store.connections() {
            if let entry = store.connection(id: summary.info.id) { connection(entry, packetBudget: &budget) }
        }
        json.endArray()
        let rows = store.exchanges()
        json.key("exchanges")
        json.beginArray()
        rows.forEach { exchangeRow($0) }
        json.endArray()
        if options.includesDetails {
            json.key("details")
            json.beginObject()
            rows.forEach { row in
                guard let exchange = store.exchange(id: row.id) else { return }
                json.key(text: String(row.id))
                exchangeDetail(exchange)
            }
            json.endObject()
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
        json.key("connections")
        json.beginArray()
        for summary in changes.connections {
            if let entry = store.connection(id: summary.info.id) { connection(entry, packetBudget: &budget) }
        }
        json.endArray()
        json.key("exchanges")
        json.beginArray()
        for row in changes.exchanges { exchangeRow(row) }
        json.endArray()
        json.key("diagnostics")
        diagnostics(changes.diagnostics)
        json.endObject()
        return bytes()
    }

    /// One exchange whole, as `/api/exchanges/ID` answers.
    mutating func detailDocument(_ exchange: Exchange) -> [UInt8] {
        exchangeDetail(exchange)
        return bytes()
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
