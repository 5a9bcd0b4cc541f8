import Glibc
import HarkCore
public import HarkFormat

/// Writes a HAR document whose entries are sorted by `startedDateTime`, although they arrive in the
/// order their exchanges completed, with memory bounded by a small index rather than by the bodies.
///
/// Each entry is serialized at once into an unlinked temporary file; only its start time and byte range
/// stay in memory (about 32 bytes an entry). `finish(to:)` sorts the index and copies the entries, in
/// order, into the real output. Entries with equal start times keep their arrival order. Entries with a
/// `pageClue` and no `pageref` are grouped into pages (`HARPageGrouping`) once they are in order; the
/// pages join the log's and each such entry gets its `pageref` as it is copied.
///
/// ### Example
/// ```swift
/// let spool = try HARSortingSpool(log: log, configuration: configuration)
/// for entry in entries { try spool.add(entry) }
/// try spool.finish(to: FileDescriptorSink.standardOutput())
/// ```
public final class HARSortingSpool {
    private struct IndexEntry {
        var startedDateTime: Timestamp
        var sequence: Int
        var start: Int64
        var end: Int64
        var clue: HARPageClue?
    }

    private let log: HARLog
    /// Output options, applied while entries are serialized (entries serialized ahead must use them).
    public let configuration: HARWriter.Configuration
    private let spoolFile: FileDescriptorSink
    private var spool: HARWriter
    private var index: [IndexEntry] = []

    /// Entries added so far.
    public var count: Int { index.count }

    /// - Parameters:
    ///   - log: the document's creator, pages and comment (its `entries` should be empty).
    ///   - configuration: output options, applied while entries are serialized.
    ///   - directory: where the temporary file goes (default `$TMPDIR` or `/tmp`); it is unlinked at once.
    /// - Throws: `HARWriterError.writeFailed` when no temporary file can be made.
    public init(log: HARLog, configuration: HARWriter.Configuration = .init(), directory: String? = nil) throws {
        let folder = directory ?? getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(folder)/hark-har-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard descriptor >= 0 else { throw HARWriterError.writeFailed(errno: errno) }
        template.withUnsafeBufferPointer { buffer in
            if let path = buffer.baseAddress { _ = unlink(path) }
        }
        self.log = log
        self.configuration = configuration
        self.spoolFile = FileDescriptorSink(fileDescriptor: descriptor)
        self.spool = HARWriter(sink: spoolFile, configuration: configuration)
        try spool.begin(HARLog(creator: log.creator))
    }

    deinit {
        close(spoolFile.fileDescriptor)
    }

    /// Serializes one entry into the spool.
    public func add(_ entry: HAREntry) throws {
        try spool.write(entry)
        indexLastEntry(startedDateTime: entry.startedDateTime, clue: entry.pageref == nil ? entry.pageClue : nil)
    }

    /// Copies one entry serialized ahead of time (with this spool's `configuration`) into the spool.
    public func add(_ entry: HARSerializedEntry) throws {
        try spool.write(entry)
        indexLastEntry(startedDateTime: entry.startedDateTime, clue: entry.pageClue)
    }

    private func indexLastEntry(startedDateTime: Timestamp, clue: HARPageClue?) {
        // From the entry's `{`: the separator the spool wrote before it is not part of it.
        index.append(
            IndexEntry(startedDateTime: startedDateTime, sequence: index.count, start: spool.lastEntryStart, end: spool.byteCount, clue: clue)
        )
    }

    /// Writes the whole document, entries sorted by start time, to `sink`.
    public func finish(to sink: any OutputSink) throws {
        try spool.finish()
        index.sort { ($0.startedDateTime, $0.sequence) < ($1.startedDateTime, $1.sequence) }
        var grouping = HARPageGrouping()
        let pagerefs = index.map { entry in entry.clue.flatMap { grouping.pageref(for: $0, startedDateTime: entry.startedDateTime) } }
        var log = self.log
        log.pages += grouping.pages
        var output = HARWriter(sink: sink, configuration: configuration)
        try output.begin(log)
        for (entry, pageref) in zip(index, pagerefs) {
            var start = entry.start
            var prefix: [UInt8] = []
            if let pageref {
                prefix = try pagerefPrefix(pageref, entry: entry)
                start += 1  // past the `{` the prefix replaces
            }
            var prefixWritten = 0
            try output.writeSerializedEntry { buffer in
                if prefixWritten < prefix.count {
                    let count = min(buffer.count, prefix.count - prefixWritten)
                    prefix[prefixWritten..<prefixWritten + count].withUnsafeBytes { buffer.copyMemory(from: $0) }
                    prefixWritten += count
                    return count
                }
                let count = Int(min(Int64(buffer.count), entry.end - start))
                guard count > 0 else { return 0 }
                try readSpool(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]), at: start)
                start += Int64(count)
                return count
            }
        }
        try output.finish()
    }

    /// What replaces a serialized entry's opening `{` to give it a `pageref`: the `{`, the indentation
    /// that follows it (none when compact), and the member with its comma.
    private func pagerefPrefix(_ pageref: String, entry: IndexEntry) throws -> [UInt8] {
        var head = [UInt8](repeating: 0, count: Int(min(64, entry.end - entry.start)))
        try head.withUnsafeMutableBytes { try readSpool(into: $0, at: entry.start) }
        let indentation = head.dropFirst().prefix { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: " ") }
        let separator = configuration.pretty ? " " : ""
        return Array("{".utf8) + indentation + Array("\"pageref\":\(separator)\"\(pageref)\",".utf8)
    }

    private func readSpool(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws {
        var done = 0
        while done < buffer.count {
            let result = pread(spoolFile.fileDescriptor, buffer.baseAddress.map { $0 + done }, buffer.count - done, off_t(offset) + off_t(done))
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { throw HARWriterError.writeFailed(errno: result < 0 ? errno : EIO) }
            done += result
        }
    }
}
