public import HarkFormat

/// Writes a HAR 1.2 document as its entries are produced: the log header, then each entry, then the
/// closing brackets, into a reusable buffer that goes to a sink in large chunks.
///
/// Entries are written in the order given; HAR 1.2 prefers them sorted by `startedDateTime`, which is
/// the caller's job. Everything written is valid JSON and valid HAR: strings are escaped, bodies that
/// are not UTF-8 become base64, numbers are finite, timings respect the spec's bounds, and no required
/// member is ever `null`. Memory stays near `flushThreshold` even for very large bodies, which are
/// flushed in pieces.
///
/// Not thread-safe: one writer is owned by one task. It is non-copyable, because a copy would share
/// the sink but not the position in the document.
///
/// ### Example
///
/// ```swift
/// var writer = HARWriter(sink: FileDescriptorSink.standardOutput())
/// try writer.begin(HARLog(creator: HARCreator(name: "hark", version: "0.1")))
/// for entry in entries { try writer.write(entry) }
/// try writer.finish()
/// ```
public struct HARWriter: ~Copyable {
    /// Output options.
    public struct Configuration: Hashable, Sendable {
        /// Break lines and indent by two spaces (default false: compact).
        public var pretty: Bool
        /// Headers to redact, or nil to write everything (the default).
        public var redaction: HARRedaction?
        /// Buffered bytes that trigger a write to the sink (default 256 KiB, at least 4 KiB). The buffer
        /// holds about this much plus one piece of a long body (64 KiB as base64, at most 288 KiB escaped)
        /// or of a serialized entry being copied (256 KiB).
        public var flushThreshold: Int

        public init(pretty: Bool = false, redaction: HARRedaction? = nil, flushThreshold: Int = 1 << 18) {
            self.pretty = pretty
            self.redaction = redaction
            self.flushThreshold = max(flushThreshold, 4096)
        }
    }

    private enum State {
        case idle
        case writingEntries
        case finished
    }

    /// Where the bytes go. A `FileDescriptorSink` failure is thrown as `HARWriterError.writeFailed`;
    /// other sinks' errors are thrown as they are.
    public let sink: any OutputSink
    /// Output options.
    public let configuration: Configuration
    /// How many entries have been written, `HARLog.entries` included.
    public private(set) var entriesWritten = 0

    var output: JSONWriter
    private var state = State.idle
    /// Bytes already handed to the sink.
    private var flushedByteCount: Int64 = 0
    /// Where the last entry written began: the offset of its `{`, after any separator.
    var lastEntryStart: Int64 = 0

    /// Bytes of the document produced so far, handed to the sink or still buffered: the offset at which
    /// the next byte will land in the output.
    public var byteCount: Int64 { flushedByteCount + Int64(output.buffer.count) }

    /// - Parameters:
    ///   - sink: where the bytes go.
    ///   - configuration: output options.
    public init(sink: any OutputSink, configuration: Configuration = Configuration()) {
        self.init(sink: sink, configuration: configuration, capacity: min(configuration.flushThreshold, 1 << 20) + (1 << 16))
    }

    /// A writer whose buffer starts with room for `capacity` bytes.
    init(sink: any OutputSink, configuration: Configuration, capacity: Int) {
        self.sink = sink
        self.configuration = configuration
        self.output = JSONWriter(pretty: configuration.pretty, capacity: capacity)
    }

    /// Writes everything in `log` except the closing brackets: version, creator, browser, pages,
    /// comment, and the entries `log` already holds.
    ///
    /// - Throws: `HARWriterError.alreadyStarted` on a second call, or the sink's error.
    public mutating func begin(_ log: HARLog) throws {
        guard case .idle = state else { throw state == .finished ? HARWriterError.finished : .alreadyStarted }
        state = .writingEntries
        output.beginObject()
        output.key("log")
        output.beginObject()
        output.key("version")
        output.string("1.2")
        output.key("creator")
        output.software(log.creator)
        if let browser = log.browser {
            output.key("browser")
            output.software(browser)
        }
        output.key("pages")
        output.beginArray()
        for page in log.pages { output.page(page) }
        output.endArray()
        if let comment = log.comment {
            output.key("comment")
            output.string(comment)
        }
        output.key("entries")
        output.beginArray()
        for entry in log.entries { try write(entry) }
        try flushIfFull()
    }

    /// Writes one entry.
    ///
    /// - Throws: `HARWriterError.notStarted` before `begin(_:)`, `.finished` after `finish()`, or the
    ///   sink's error.
    public mutating func write(_ entry: HAREntry) throws {
        try requireWritingEntries()
        try writeEntry(entry)
        entriesWritten += 1
        try flushIfFull()
    }

    /// Writes one entry that was already serialized by another `HARWriter` with the same configuration
    /// (its bytes from `{` to `}`), as `HARSortingSpool` does to put entries in order. The bytes come in
    /// pieces, so that an entry with a huge body is never in memory whole: `read` fills the buffer it is
    /// given with the next bytes and returns how many it wrote, 0 at the end.
    ///
    /// - Throws: as `write(_:)`, or what `read` throws.
    public mutating func writeSerializedEntry(_ read: (UnsafeMutableRawBufferPointer) throws -> Int) throws {
        try requireWritingEntries()
        output.rawValue(UnsafeRawBufferPointer(start: nil, count: 0))  // the separator and indentation
        while true {
            var failure: (any Error)?
            var count = 0
            output.buffer.write(maximum: Self.serializedPiece) { pointer in
                do {
                    count = min(Self.serializedPiece, try read(UnsafeMutableRawBufferPointer(start: pointer, count: Self.serializedPiece)))
                } catch {
                    failure = error
                }
                return count
            }
            if let failure { throw failure }
            guard count > 0 else { break }
            try flushIfFull()
        }
        entriesWritten += 1
        try flushIfFull()
    }

    /// Bytes of an already-serialized entry copied per piece: most entries in one piece.
    static let serializedPiece = 1 << 18

    /// Serialized entries of at least this many bytes go to the sink straight from their own storage
    /// (`write(_: HARSerializedEntry)`), after what is buffered: copying them into the buffer first
    /// would cost more than the extra `write(2)`.
    public static let directEntryBytes = 1 << 16

    /// Writes one entry serialized ahead of time with the same configuration (`HARSerializedEntry`):
    /// a small one is copied into the buffer, a large one (`directEntryBytes`) handed to the sink as it
    /// is. The document's bytes are the same either way.
    ///
    /// - Throws: as `write(_:)`.
    public mutating func write(_ entry: HARSerializedEntry) throws {
        try requireWritingEntries()
        if entry.count < Self.directEntryBytes {
            entry.withBytes { output.rawValue($0) }
        } else {
            output.rawValue(UnsafeRawBufferPointer(start: nil, count: 0))  // the separator and indentation
            try flush()
            try entry.withBytes { try send($0) }
            flushedByteCount += Int64(entry.count)
        }
        lastEntryStart = byteCount - Int64(entry.count)
        entriesWritten += 1
        try flushIfFull()
    }

    /// Throws unless `begin(_:)` was called and `finish()` was not.
    private func requireWritingEntries() throws {
        switch state {
        case .idle: throw HARWriterError.notStarted
        case .finished: throw HARWriterError.finished
        case .writingEntries: break
        }
    }

    /// Closes the entries array and the document, and hands every remaining byte to the sink.
    ///
    /// - Throws: `HARWriterError.notStarted` before `begin(_:)`, `.finished` on a second call, or the
    ///   sink's error.
    public mutating func finish() throws {
        switch state {
        case .idle: throw HARWriterError.notStarted
        case .finished: throw HARWriterError.finished
        case .writingEntries: break
        }
        state = .finished
        output.endArray()
        output.endObject()
        output.endObject()
        output.buffer.append(UInt8(ascii: "\n"))
        try flush()
    }

    /// The whole document for `log` in memory.
    public static func document(_ log: HARLog, configuration: Configuration = Configuration()) throws -> [UInt8] {
        let sink = MemorySink()
        var writer = HARWriter(sink: sink, configuration: configuration)
        try writer.begin(log)
        try writer.finish()
        return sink.bytes
    }

    /// Hands the buffer to the sink once it holds `flushThreshold` bytes.
    mutating func flushIfFull() throws {
        if output.buffer.count >= configuration.flushThreshold { try flush() }
    }

    /// Hands the buffer to the sink.
    private mutating func flush() throws {
        guard output.buffer.count > 0 else { return }
        try output.buffer.withBytes { try send($0) }
        flushedByteCount += Int64(output.buffer.count)
        output.buffer.removeAll()
    }

    /// Hands `bytes` to the sink (the caller counts them); a file descriptor's failure becomes
    /// `HARWriterError.writeFailed`.
    private func send(_ bytes: UnsafeRawBufferPointer) throws {
        do {
            try sink.write(bytes)
        } catch let error as OutputSinkError {
            throw HARWriterError.writeFailed(errno: error.errno)
        }
    }
}

extension JSONWriter {
    /// Writes a `creator` or `browser` object.
    mutating func software(_ software: HARCreator) {
        beginObject()
        key("name")
        string(software.name)
        key("version")
        string(software.version)
        if let comment = software.comment {
            key("comment")
            string(comment)
        }
        endObject()
    }

    /// Writes a `pages[]` element.
    mutating func page(_ page: HARPage) {
        beginObject()
        key("startedDateTime")
        dateTime(HARDateTime(page.startedDateTime))
        key("id")
        string(page.id)
        key("title")
        string(page.title)
        key("pageTimings")
        beginObject()
        key("onContentLoad")
        milliseconds(thousandths: HARTimings.optionalThousandths(page.pageTimings.onContentLoad))
        key("onLoad")
        milliseconds(thousandths: HARTimings.optionalThousandths(page.pageTimings.onLoad))
        endObject()
        if let comment = page.comment {
            key("comment")
            string(comment)
        }
        endObject()
    }
}
