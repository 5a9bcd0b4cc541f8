/// Appends JSON (RFC 8259) tokens to a reusable byte buffer, placing the commas, and in pretty mode the
/// newlines and two-space indentation, so that callers only say what comes next.
///
/// It never fails and never validates structure: callers drive it in a fixed order (a key before each
/// member value, every container closed). Strings are escaped as they are copied, eight bytes at a
/// time; numbers are written without Foundation. The owner hands `buffer` to an ``OutputSink`` when it
/// is full enough and calls `buffer.removeAll()`; ``LineWriter`` does that for JSON lines.
///
/// Non-copyable, because it owns its buffer: the raw storage is what makes it fast.
///
/// ### Example
///
/// ```swift
/// var json = JSONWriter(capacity: 256)
/// json.beginObject()
/// json.key("id")
/// json.integer(3)
/// json.key("start")
/// json.iso8601(CivilDateTime(timestamp), fractionDigits: 6)
/// json.endObject()
/// try json.buffer.withBytes { try sink.write($0) }   // {"id":3,"start":"2014-01-14T17:04:01.819644Z"}
/// ```
public struct JSONWriter: ~Copyable {
    /// The JSON text produced so far (since the last `buffer.removeAll()`). Bytes appended to it
    /// directly (inside `beginString()`…`endString()`, or between documents) are written as they are.
    public var buffer: OutputBuffer
    /// Whether to break lines and indent.
    public let pretty: Bool
    /// One entry per open object or array: whether it has a member yet (to place commas).
    private var containerHasMembers: [Bool] = []
    /// A key was just written, so the next value follows it directly.
    private var afterKey = false

    /// - Parameters:
    ///   - pretty: break lines and indent by two spaces (default false: compact).
    ///   - capacity: the buffer's initial size in bytes; it grows as needed.
    public init(pretty: Bool = false, capacity: Int = 4096) {
        self.pretty = pretty
        self.buffer = OutputBuffer(capacity: capacity)
        containerHasMembers.reserveCapacity(32)
    }

    // MARK: Structure

    /// Opens an object: `{`.
    public mutating func beginObject() {
        open(UInt8(ascii: "{"))
    }

    /// Closes the innermost object: `}`.
    public mutating func endObject() {
        close(UInt8(ascii: "}"))
    }

    /// Opens an array: `[`.
    public mutating func beginArray() {
        open(UInt8(ascii: "["))
    }

    /// Closes the innermost array: `]`.
    public mutating func endArray() {
        close(UInt8(ascii: "]"))
    }

    /// Writes `"name":` for a fixed field name, which must be plain ASCII needing no escapes.
    public mutating func key(_ name: StaticString) {
        beforeMember()
        // One reservation for `"name":`: keys are most of what a JSON line is made of.
        name.withUTF8Buffer { text in
            buffer.write(maximum: text.count &+ 3) { bytes in
                bytes.initialize(to: UInt8(ascii: "\""))
                if let start = text.baseAddress { (bytes + 1).initialize(from: start, count: text.count) }
                (bytes + (text.count &+ 1)).initialize(to: UInt8(ascii: "\""))
                (bytes + (text.count &+ 2)).initialize(to: UInt8(ascii: ":"))
                return text.count &+ 3
            }
        }
        if pretty { buffer.append(UInt8(ascii: " ")) }
        afterKey = true
    }

    /// Writes `"name":` for a key that is data (it is escaped).
    public mutating func key(text name: String) {
        beginKey()
        appendEscaped(name)
        endKey()
    }

    /// Opens a key whose text the caller appends in pieces with `appendEscaped` (or raw to `buffer`).
    public mutating func beginKey() {
        beforeMember()
        buffer.append(UInt8(ascii: "\""))
    }

    /// Closes a key opened with `beginKey()`: `":`.
    public mutating func endKey() {
        buffer.append(UInt8(ascii: "\""))
        buffer.append(UInt8(ascii: ":"))
        if pretty { buffer.append(UInt8(ascii: " ")) }
        afterKey = true
    }

    // MARK: Layout

    /// Places what must precede a value: nothing after a key, else a comma and indentation.
    /// Writes an already-serialized JSON value (an object produced by another writer at the same
    /// depth) as the next value, with the separator and indentation that value needs.
    public mutating func rawValue(_ bytes: UnsafeRawBufferPointer) {
        beforeValue()
        buffer.append(bytes.bindMemory(to: UInt8.self))
    }

    mutating func beforeValue() {
        if afterKey {
            afterKey = false
        } else {
            beforeMember()
        }
    }

    private mutating func beforeMember() {
        guard let last = containerHasMembers.indices.last else { return }
        if containerHasMembers[last] {
            buffer.append(UInt8(ascii: ","))
        } else {
            containerHasMembers[last] = true
        }
        if pretty { newline(indent: containerHasMembers.count) }
    }

    private mutating func open(_ opener: UInt8) {
        beforeValue()
        buffer.append(opener)
        containerHasMembers.append(false)
    }

    private mutating func close(_ closer: UInt8) {
        let hadMembers = containerHasMembers.popLast() ?? false
        if pretty, hadMembers { newline(indent: containerHasMembers.count) }
        buffer.append(closer)
    }

    private mutating func newline(indent: Int) {
        buffer.append(UInt8(ascii: "\n"))
        buffer.append(repeating: UInt8(ascii: " "), count: 2 * indent)
    }
}
