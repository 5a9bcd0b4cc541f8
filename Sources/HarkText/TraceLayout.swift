import HarkCore
import HarkFormat
import HarkModel

/// The columns every text trace line starts with: time of day (UTC, milliseconds), connection number,
/// client → server. Columns widen to the widest value seen so far, and a `# 2014-01-14 (UTC)` line
/// is printed before the first line of each day.
struct TraceLayout {
    private var connectionWidth = ElasticWidth(minimum: 2)
    private var clientWidth = ElasticWidth()
    private var serverWidth = ElasticWidth()
    private var latencyWidth = ElasticWidth(minimum: 8)
    private var requestSizeWidth = ElasticWidth(minimum: 3)
    private var responseSizeWidth = ElasticWidth(minimum: 7)
    private var currentDay: (year: Int, month: Int, day: Int)?

    /// The line for a new day, if `time` falls on a different (UTC) day from the previous line.
    mutating func dayLine(for time: Timestamp) -> String? {
        let date = CivilDateTime(time)
        if let currentDay, currentDay == (date.year, date.month, date.day) { return nil }
        currentDay = (date.year, date.month, date.day)
        let iso = TimestampFormat.iso8601(time, fractionDigits: 0)
        return "# \(iso.prefix(10)) (UTC)"
    }

    /// `17:04:01.819 #0  10.0.2.15:55079 → 192.150.187.43:80  `, padded to the current widths.
    mutating func prefix(time: Timestamp, connection: Int, client: Endpoint?, server: Endpoint?) -> String {
        let clientText = client.map { $0.description } ?? "?"
        let serverText = server.map { $0.description } ?? "?"
        return Self.timeOfDay(time) + " " + connectionWidth.left("#\(connection)") + " "
            + clientWidth.right(clientText) + " → " + serverWidth.left(serverText) + "  "
    }

    /// `  93.2 ms  ↑   0 B  ↓ 15.9 kB`: latency and body sizes, right-aligned.
    mutating func measures(latency: String, requestSize: String, responseSize: String) -> String {
        latencyWidth.right(latency) + "  ↑" + requestSizeWidth.right(requestSize) + "  ↓"
            + responseSizeWidth.right(responseSize)
    }

    /// `17:04:01.819` (UTC).
    static func timeOfDay(_ time: Timestamp) -> String {
        // The time part of `TimestampFormat.iso8601`, written directly (cutting it out of the ISO text
        // went character by character: a fifth of a trace line's cost).
        let date = CivilDateTime(time)
        var text = OutputBuffer(capacity: 16)
        text.appendPadded(UInt64(date.hour), width: 2)
        text.append(UInt8(ascii: ":"))
        text.appendPadded(UInt64(date.minute), width: 2)
        text.append(UInt8(ascii: ":"))
        text.appendPadded(UInt64(date.second), width: 2)
        text.append(UInt8(ascii: "."))
        text.appendPadded(UInt64(date.nanosecond / 1_000_000), width: 3)
        return text.text
    }
}
