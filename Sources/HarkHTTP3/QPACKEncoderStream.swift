/// Reads one side's QPACK encoder stream (RFC 9204 §4.3) into its dynamic table as the bytes arrive.
/// An instruction split across stream frames waits for the rest, up to `maxPendingBytes`.
struct QPACKEncoderStream {
    /// The table the instructions build.
    private(set) var table = QPACKDynamicTable()
    /// The largest capacity the decoder allowed (its SETTINGS_QPACK_MAX_TABLE_CAPACITY), bounded by hark.
    var maxCapacity: Int
    /// Whether bytes of the stream were lost or an instruction was wrong: the table is unknown from then on.
    private(set) var isBroken = false
    private var pending: [UInt8] = []
    private let maxPendingBytes: Int
    private var huffman = QPACKHuffman()

    init(maxCapacity: Int, maxPendingBytes: Int) {
        self.maxCapacity = maxCapacity
        self.maxPendingBytes = maxPendingBytes
    }

    /// Takes the next bytes; returns what was wrong, if something was (the stream is then broken).
    mutating func receive(_ bytes: some Sequence<UInt8>) -> String? {
        guard !isBroken else { return nil }
        pending += bytes
        var reader = QPACKReader(pending)
        var consumed = 0
        while !reader.isAtEnd {
            switch instruction(&reader) {
            case .incomplete:
                pending.removeFirst(consumed)
                guard pending.count <= maxPendingBytes else { return breakStream("an instruction longer than \(maxPendingBytes) bytes") }
                return nil
            case .failed(let problem):
                return breakStream(problem)
            case .done:
                consumed = reader.index
            }
        }
        pending.removeAll(keepingCapacity: true)
        return nil
    }

    /// Bytes of the stream were lost: every later reference to the table is unknown.
    mutating func lose() {
        isBroken = true
        pending = []
    }

    private mutating func breakStream(_ problem: String) -> String {
        isBroken = true
        pending = []
        return problem
    }

    private enum Outcome {
        case done
        case incomplete
        case failed(String)
    }

    private mutating func instruction(_ reader: inout QPACKReader) -> Outcome {
        guard let first = reader.peek else { return .incomplete }
        func fail(_ problem: String) -> Outcome { reader.ranOut ? .incomplete : .failed(problem) }
        let maxString = max(maxCapacity, 1)
        if first & 0x80 != 0 {
            // Insert with name reference: 1 T index(6) value.
            let isStatic = first & 0x40 != 0
            guard let index = reader.readInteger(prefix: 6) else { return fail("bad insert index") }
            let name: String
            if isStatic {
                guard let entry = QPACKStaticTable.entry(index) else { return .failed("insert refers to static entry \(index), beyond the table") }
                name = entry.name
            } else {
                guard let entry = table.entry(relativeToInsertCount: index) else { return .failed("insert refers to dynamic entry \(index) back, not in the table") }
                name = entry.name
            }
            guard let value = reader.readString(prefix: 7, maxLength: maxString, huffman: &huffman) else { return fail("bad insert value") }
            return insert(name: name, value: value)
        }
        if first & 0x40 != 0 {
            // Insert with literal name: 01 H length(5) name, value.
            guard let name = reader.readString(prefix: 5, maxLength: maxString, huffman: &huffman) else { return fail("bad insert name") }
            guard let value = reader.readString(prefix: 7, maxLength: maxString, huffman: &huffman) else { return fail("bad insert value") }
            return insert(name: name, value: value)
        }
        if first & 0x20 != 0 {
            // Set dynamic table capacity: 001 capacity(5).
            guard let capacity = reader.readInteger(prefix: 5) else { return fail("bad capacity") }
            guard capacity <= UInt64(maxCapacity) else {
                return .failed("table capacity \(capacity) exceeds the \(maxCapacity) allowed")
            }
            table.setCapacity(Int(capacity))
            return .done
        }
        // Duplicate: 000 index(5).
        guard let index = reader.readInteger(prefix: 5) else { return fail("bad duplicate index") }
        guard let entry = table.entry(relativeToInsertCount: index) else { return .failed("duplicate of dynamic entry \(index) back, not in the table") }
        return insert(name: entry.name, value: entry.value)
    }

    private mutating func insert(name: String, value: String) -> Outcome {
        table.insert(name: name, value: value) ? .done : .failed("an entry of \(QPACKDynamicTable.size(name: name, value: value)) bytes exceeds the table capacity \(table.capacity)")
    }
}
