import HarkCore
public import HarkModel

/// Makes and serializes HAR entries on the threads that analyse connections (`ExchangePreparer`), so
/// that the thread that puts entries in order only hands their bytes to `HARSortingSpool`.
///
/// Left to that thread (nil), and made there exactly as before: exchanges that get no entry
/// (`HARInclusion`), WebSocket upgrades (their entry waits for the connection's messages), exchanges
/// already linked to another hop, entries whose bodies hold more than `maxBodyBytes` (the spool streams
/// those from their storage instead of holding them serialized in memory), and entries that would take
/// what the entries serialized ahead and not yet written hold past `maxHeldBytes` (`ByteBudget`).
public struct HAREntryPreparer: ExchangePreparer {
    /// Most body bytes (request and response together, as written) of an entry serialized ahead.
    public static let maxBodyBytes = 4 << 20
    /// Most bytes the entries serialized ahead hold at once, by every analysing thread together, until
    /// the spool has written them.
    public static let maxHeldBytes = 32 << 20

    /// What the entries hold.
    public let options: HARExportOptions
    /// Which exchanges get entries.
    public let inclusion: HARInclusion
    /// How they are written: the spool's own configuration.
    public let configuration: HARWriter.Configuration
    /// What the entries this preparer made and that are still held take (waiting, with their exchanges,
    /// for the session's thread to merge them, then for the spool to write them), shared by every
    /// analysing thread's copy: without it a run of small compressed bodies that each decode to a MiB
    /// held hundreds of MB of entries between the workers and the merge. An entry past the limit is
    /// left to the session's thread, which writes the same bytes from the exchange: which entries are
    /// prepared then depends on timing, the document does not.
    private let held: ByteBudget

    /// - Parameter maxHeldBytes: the bytes of prepared entries held at once past which exchanges are
    ///   left to the ordering thread.
    public init(
        options: HARExportOptions, inclusion: HARInclusion, configuration: HARWriter.Configuration, maxHeldBytes: Int = maxHeldBytes
    ) {
        self.options = options
        self.inclusion = inclusion
        self.configuration = configuration
        self.held = ByteBudget(limit: maxHeldBytes)
    }

    /// Bytes of the entries this preparer made that are still held.
    public var heldBytes: Int { held.usedBytes }

    /// The exchange's entry as a `HARSerializedEntry`, or nil for one left to the ordering thread.
    public func prepare(_ exchange: Exchange) -> (any Sendable)? {
        guard inclusion.exclusion(of: exchange) == nil, !HARWebSocketEntries.waitsForMessages(exchange),
            exchange.upstream == nil, exchange.downstream == nil
        else { return nil }
        let entry = HAREntry(exchange: exchange, options: options)
        let bodyBytes = (entry.request.postData?.text?.bytes.count ?? 0) + (entry.response.content.text?.bytes.count ?? 0)
        // The claim is the buffer the entry is serialized into, taken before it is.
        guard bodyBytes <= Self.maxBodyBytes, let claim = held.claim(HARSerializedEntry.capacity(for: entry)) else { return nil }
        return try? HARSerializedEntry(entry, configuration: configuration, holding: claim)
    }
}
