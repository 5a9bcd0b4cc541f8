public import HarkCore
import HarkFormat

/// A HAR entry serialized ahead of time (on the thread that analysed its exchange's connection, see
/// `HAREntryPreparer`), with what `HARSortingSpool` keeps of it to put it in order.
///
/// The bytes stay in the buffer they were serialized into (no copy on the preparing thread), and the
/// spool hands a large entry to its file straight from there (no copy on the ordering thread either).
public struct HARSerializedEntry: Sendable {
    /// The serializing writer's whole output: a document's opening, then the entry from `start` on.
    private let storage: OwnedBytes
    /// Where the entry's `{` is in `storage`.
    private let start: Int
    /// The room the entry holds in its preparer's budget (`ByteBudget`), given back with the entry.
    private let claim: ByteBudget.Claim?
    /// The entry's `startedDateTime`, by which the spool sorts.
    public let startedDateTime: Timestamp
    /// What grouping into pages needs (nil when the entry has a `pageref` of its own).
    public let pageClue: HARPageClue?

    /// Serializes `entry` as a `HARWriter` with `configuration` writes it inside a document.
    ///
    /// - Throws: nothing in practice (the bytes stay in memory); declared because writing an entry
    ///   can throw for a sink.
    public init(_ entry: HAREntry, configuration: HARWriter.Configuration) throws {
        try self.init(entry, configuration: configuration, holding: nil)
    }

    /// Serializes `entry`, holding `claim` (room in a `ByteBudget`) until the entry goes.
    init(_ entry: HAREntry, configuration: HARWriter.Configuration, holding claim: ByteBudget.Claim?) throws {
        self.claim = claim
        var unlimited = configuration
        unlimited.flushThreshold = .max  // never flushed: the whole entry stays in the buffer
        var writer = HARWriter(sink: MemorySink(), configuration: unlimited, capacity: Self.capacity(for: entry))
        // At the depth of `log.entries`, so that pretty indentation is the document's.
        try writer.begin(HARLog(creator: HARCreator(name: "", version: "")))
        try writer.write(entry)
        start = Int(writer.lastEntryStart)
        storage = writer.output.buffer.takeBytes()
        startedDateTime = entry.startedDateTime
        pageClue = entry.pageref == nil ? entry.pageClue : nil
    }

    /// The entry's length in bytes.
    public var count: Int { storage.count - start }

    /// Calls `body` with the entry from its `{` to its `}`, exactly as `HARWriter.write(_:)` writes it
    /// into a document with the same configuration (without the separator and indentation before it).
    /// The pointer is valid only during the call.
    public func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try storage.withBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start...])) }
    }

    /// Room for the entry's head and bodies without regrowing in the common case.
    static func capacity(for entry: HAREntry) -> Int {
        let request = entry.request.postData?.text?.bytes.count ?? 0
        let response = entry.response.content.text?.bytes.count ?? 0
        return 4096 + (request + response) * 4 / 3
    }
}
