public import HarkCore
import HarkFormat

/// A HAR entry serialized ahead of time (on the thread that analysed its exchange's connection, see
/// `HAREntryPreparer`), with what `HARSortingSpool` keeps of it to put it in order.
public struct HARSerializedEntry: Sendable {
    /// The entry from its `{` to its `}`, exactly as `HARWriter.write(_:)` writes it into a document
    /// with the same configuration (without the separator and indentation before it).
    public let bytes: [UInt8]
    /// The entry's `startedDateTime`, by which the spool sorts.
    public let startedDateTime: Timestamp
    /// What grouping into pages needs (nil when the entry has a `pageref` of its own).
    public let pageClue: HARPageClue?
    /// The bytes this entry holds of its preparer's budget, given back when the entry goes.
    var claim: HARPreparedBytes.Claim?

    /// Serializes `entry` as a `HARWriter` with `configuration` writes it inside a document.
    ///
    /// - Throws: nothing in practice (the bytes stay in memory); declared because writing an entry
    ///   can throw for a sink.
    public init(_ entry: HAREntry, configuration: HARWriter.Configuration) throws {
        var unlimited = configuration
        unlimited.flushThreshold = .max  // never flushed: the whole entry stays in the buffer
        var writer = HARWriter(sink: MemorySink(), configuration: unlimited, capacity: Self.capacity(for: entry))
        // At the depth of `log.entries`, so that pretty indentation is the document's.
        try writer.begin(HARLog(creator: HARCreator(name: "", version: "")))
        try writer.write(entry)
        let start = Int(writer.lastEntryStart)
        bytes = writer.output.buffer.withBytes { Array($0[start...]) }
        startedDateTime = entry.startedDateTime
        pageClue = entry.pageref == nil ? entry.pageClue : nil
    }

    /// Room for the entry's head and bodies without regrowing in the common case.
    static func capacity(for entry: HAREntry) -> Int {
        let request = entry.request.postData?.text?.bytes.count ?? 0
        let response = entry.response.content.text?.bytes.count ?? 0
        return 4096 + (request + response) * 4 / 3
    }
}
