import HarkCore
public import HarkModel

/// Makes and serializes HAR entries on the threads that analyse connections (`ExchangePreparer`), so
/// that the thread that puts entries in order only hands their bytes to `HARSortingSpool`.
///
/// Left to that thread (nil), and made there exactly as before: exchanges that get no entry
/// (`HARInclusion`), WebSocket upgrades (their entry waits for the connection's messages), exchanges
/// already linked to another hop, and entries whose bodies hold more than `maxBodyBytes`, or more than
/// `bytesInFlight` has room for (the spool streams those from their storage instead of holding them
/// serialized in memory).
public struct HAREntryPreparer: ExchangePreparer {
    /// Most body bytes (request and response together, as written) of an entry serialized ahead.
    public static let maxBodyBytes = 4 << 20
    /// Most body bytes of entries of more than `smallBodyBytes` held serialized at once, by all the
    /// workers together, until the spool has written them.
    public static let bytesInFlight = 32 << 20
    /// Entries with at most this many body bytes are always prepared: rounds bound how many wait.
    public static let smallBodyBytes = 1 << 20

    /// What the entries hold.
    public let options: HARExportOptions
    /// Which exchanges get entries.
    public let inclusion: HARInclusion
    /// How they are written: the spool's own configuration.
    public let configuration: HARWriter.Configuration

    /// What the large entries prepared and not yet written hold (shared by every worker's copy).
    private let budget = PreparedEntryBudget(limit: bytesInFlight)

    public init(options: HARExportOptions, inclusion: HARInclusion, configuration: HARWriter.Configuration) {
        self.options = options
        self.inclusion = inclusion
        self.configuration = configuration
    }

    /// The exchange's entry as a `HARSerializedEntry`, or nil for one left to the ordering thread.
    public func prepare(_ exchange: Exchange) -> (any Sendable)? {
        guard inclusion.exclusion(of: exchange) == nil, !HARWebSocketEntries.waitsForMessages(exchange),
            exchange.upstream == nil, exchange.downstream == nil
        else { return nil }
        let entry = HAREntry(exchange: exchange, options: options)
        let bodyBytes = (entry.request.postData?.text?.bytes.count ?? 0) + (entry.response.content.text?.bytes.count ?? 0)
        guard bodyBytes <= Self.maxBodyBytes else { return nil }
        var claim: PreparedEntryBudget.Claim?
        if bodyBytes > Self.smallBodyBytes {
            guard let granted = budget.claim(bodyBytes) else { return nil }
            claim = granted
        }
        return try? HARSerializedEntry(entry, configuration: configuration, holding: claim)
    }
}
