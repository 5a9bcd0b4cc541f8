/// Line-oriented output: text lines, or JSON lines (https://jsonlines.org: one compact JSON object per
/// line, UTF-8, `\n`), collected in a buffer and handed to a sink in large chunks, or after every line
/// when someone is watching (a terminal, a live capture).
///
/// A write failure is remembered, not thrown: the first one (the reader of a pipe went away, the disk
/// is full) ends all output, later lines are dropped without being rendered, and ``error`` tells the
/// caller at the end. A producer that cannot stop mid-capture thus costs nothing more, and memory
/// stays near `flushThreshold` plus one line.
///
/// Not thread-safe: one writer is owned by one task.
///
/// ### Example
///
/// ```swift
/// let output = LineWriter(sink: FileDescriptorSink.standardOutput(), flushEachLine: following)
/// output.writeJSONObject { json in
///     json.key("type")
///     json.string("connection")
///     json.key("id")
///     json.integer(0)
/// }                                           // {"type":"connection","id":0}
/// output.flush()
/// if let error = output.error { … }
/// ```
public final class LineWriter {
    /// Where the bytes go.
    public let sink: any OutputSink
    /// Whether every line goes to the sink as soon as it is complete.
    public let flushEachLine: Bool
    /// Whether the lines written since the last `endBatch()` go to the sink then, in one write.
    public let flushEachBatch: Bool
    /// Buffered bytes that trigger a write to the sink.
    public let flushThreshold: Int
    /// The first error the sink threw; nothing is written after it.
    public private(set) var error: (any Error)?
    private var json: JSONWriter

    /// - Parameters:
    ///   - sink: where the bytes go.
    ///   - flushEachLine: hand each line to the sink at once (default false: in chunks of
    ///     `flushThreshold` bytes).
    ///   - flushEachBatch: hand the lines to the sink at each `endBatch()` (default false): a producer
    ///     that works in batches (a live session, batch after batch of packets) then costs one write
    ///     per batch instead of one per line, and its lines are still out within the batch.
    ///   - flushThreshold: buffered bytes that trigger a write (default 64 KiB, at least 1 KiB).
    public init(sink: any OutputSink, flushEachLine: Bool = false, flushEachBatch: Bool = false, flushThreshold: Int = 1 << 16) {
        self.sink = sink
        self.flushEachLine = flushEachLine
        self.flushEachBatch = flushEachBatch
        self.flushThreshold = max(flushThreshold, 1 << 10)
        self.json = JSONWriter(pretty: false, capacity: self.flushThreshold + (1 << 12))
    }

    deinit {
        flush()
    }

    /// Writes `text` and a newline. `text` should not contain newlines of its own.
    public func writeLine(_ text: String) {
        guard error == nil else { return }
        json.buffer.append(contentsOf: text)
        endLine()
    }

    /// Writes one JSON object and a newline: `members` writes the object's keys and values, in the
    /// order they should appear, between the braces this method writes.
    ///
    /// - Parameter members: writes the members; it must leave every container it opens closed and
    ///   must not use this `LineWriter`.
    public func writeJSONObject(_ members: (inout JSONWriter) -> Void) {
        guard error == nil else { return }
        json.beginObject()
        members(&json)
        json.endObject()
        endLine()
    }

    /// Hands every buffered byte to the sink.
    public func flush() {
        guard json.buffer.count > 0 else { return }
        if error == nil {
            do {
                try json.buffer.withBytes { try sink.write($0) }
            } catch {
                self.error = error
            }
        }
        json.buffer.removeAll()
    }

    /// The producer finished a batch of lines: with `flushEachBatch`, they go to the sink now.
    public func endBatch() {
        if flushEachBatch { flush() }
    }

    private func endLine() {
        json.buffer.append(UInt8(ascii: "\n"))
        if flushEachLine || json.buffer.count >= flushThreshold { flush() }
    }
}

@available(*, unavailable)
extension LineWriter: Sendable {}
