import HarkCore
import HarkFormat
import HarkModel
import HarkStore

extension TimelineJSON {
    /// The exchanges as the timeline draws them and the waterfall lists them: an object of columns, one
    /// value per exchange in each. Text columns hold positions in `strings` (null when absent); `id`
    /// and `start` are deltas from the previous exchange's (the first from 0); the other times are
    /// microseconds after the exchange's own `start`, null when the phase did not happen; `url` is null
    /// when it is `scheme://authority` followed by the target.
    mutating func exchanges(_ rows: [ExchangeRow]) {
        json.key("exchanges")
        json.beginObject()
        json.member("count", rows.count)
        var previousID = 0
        numbers("id", rows) { row in
            defer { previousID = row.id }
            return Int64(row.id - previousID)
        }
        numbers("conn", rows) { Int64($0.connectionID) }
        texts("label", rows) { $0.protocolLabel }
        texts("app", rows) { $0.applicationProtocol.rawValue }
        numbers("stream", rows) { $0.streamID.map(Int64.init) }
        texts("method", rows) { $0.method.rawValue }
        texts("scheme", rows) { $0.scheme }
        texts("authority", rows) { $0.authority }
        texts("host", rows) { $0.host }
        texts("target", rows) { $0.target }
        texts("url", rows) { row in
            let url = row.url
            guard let authority = row.authority, url == row.scheme + "://" + authority + row.target else { return url }
            return nil
        }
        numbers("status", rows) { $0.status.map { Int64($0.rawValue) } }
        texts("reqType", rows) { $0.requestContentType }
        texts("respType", rows) { $0.responseContentType }
        numbers("reqSize", rows) { Int64($0.requestBodySize) }
        numbers("respSize", rows) { Int64($0.responseBodySize) }
        var previousStart: Int64 = 0
        let origin = self.origin
        numbers("start", rows) { row in
            let start = TimelineTime.micros(row.timing.start, origin: origin)
            defer { previousStart = start }
            return start - previousStart
        }
        phase("connectEnd", rows) { $0.connectEnd }
        phase("tlsStart", rows) { $0.tlsStart }
        phase("tlsEnd", rows) { $0.tlsEnd }
        phase("reqStart", rows) { $0.requestStart }
        phase("reqEnd", rows) { $0.requestEnd }
        phase("respStart", rows) { $0.responseStart }
        phase("respEnd", rows) { $0.responseEnd }
        numbers("problems", rows) { Int64($0.problemCount) }
        texts("grpcService", rows) { $0.grpcService }
        texts("grpcMethod", rows) { $0.grpcMethod }
        numbers("grpcStatus", rows) { $0.grpcStatus.map(Int64.init) }
        texts("switchedTo", rows) { $0.switchedTo }
        numbers("placeholder", rows) { $0.requestIsPlaceholder ? 1 : 0 }
        json.endObject()
    }

    private mutating func numbers(_ name: StaticString, _ rows: [ExchangeRow], _ value: (ExchangeRow) -> Int64?) {
        json.key(name)
        json.beginArray()
        for row in rows {
            if let number = value(row) { json.integer(number) } else { json.null() }
        }
        json.endArray()
    }

    private mutating func texts(_ name: StaticString, _ rows: [ExchangeRow], _ value: (ExchangeRow) -> String?) {
        json.key(name)
        json.beginArray()
        for row in rows { stringIndex(value(row)) }
        json.endArray()
    }

    /// A timing phase bound, in microseconds after the exchange's start.
    private mutating func phase(_ name: StaticString, _ rows: [ExchangeRow], _ value: (ExchangeTiming) -> Timestamp?) {
        json.key(name)
        json.beginArray()
        for row in rows {
            if let time = value(row.timing) { json.integer(micros(time) - micros(row.timing.start)) } else { json.null() }
        }
        json.endArray()
    }
}
