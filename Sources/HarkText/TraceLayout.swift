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
        let iso = TimestampFormat.iso8601(time, fractionDigits: 3)
        // `YYYY-MM-DDTHH:MM:SS.mmmZ`: the part between `T` and `Z`.
        guard let t = iso.firstIndex(of: "T") else { return iso }
        return String(iso[iso.index(after: t)...].dropLast())
    }
}
