/// Decodes one encoded field section (a HEADERS frame's payload, RFC 9204 §4.5) with the encoder's
/// dynamic table as the decoder sees it.
enum QPACKFieldSection {
    /// What decoding a section gave.
    enum Result: Equatable {
        case fields([QPACKField])
        /// The section needs inserts the encoder stream has not delivered yet (RFC 9204 §2.1.2).
        case blocked(requiredInsertCount: Int)
        case failed(String)
    }

    /// - Parameters:
    ///   - maxTableCapacity: the decoder's SETTINGS_QPACK_MAX_TABLE_CAPACITY, which the Required Insert
    ///     Count encoding depends on.
    ///   - maxListSize: the most name and value bytes the section may decode to.
    static func decode(
        _ section: [UInt8], table: QPACKDynamicTable, maxTableCapacity: Int, maxListSize: Int, huffman: inout QPACKHuffman
    ) -> Result {
        var reader = QPACKReader(section)
        guard let encodedInsertCount = reader.readInteger(prefix: 8), let signByte = reader.peek,
            let deltaBase = reader.readInteger(prefix: 7)
        else { return .failed("field section prefix cut short") }
        let required: UInt64
        switch requiredInsertCount(encoded: encodedInsertCount, maxTableCapacity: maxTableCapacity, totalInserts: table.insertCount) {
        case .success(let value): required = value
        case .failure(let problem): return .failed(problem.text)
        }
        if required > UInt64(table.insertCount) { return .blocked(requiredInsertCount: Int(required)) }
        // RFC 9204 §4.5.1.2: the sign bit says whether the base is below the Required Insert Count.
        let base: UInt64
        if signByte & 0x80 == 0 {
            guard required <= (1 << 62) &- deltaBase else { return .failed("base beyond any insert count") }
            base = required &+ deltaBase
        } else {
            guard deltaBase < required else { return .failed("negative base (delta \(deltaBase), required insert count \(required))") }
            base = required &- deltaBase &- 1
        }
        var fields: [QPACKField] = []
        var listSize = 0
        while !reader.isAtEnd {
            switch line(&reader, table: table, base: base, required: required, maxString: maxListSize, huffman: &huffman) {
            case .failure(let problem): return .failed(problem.text)
            case .success(let field):
                listSize &+= field.name.utf8.count &+ field.value.utf8.count
                guard listSize <= maxListSize else { return .failed("field section decodes to more than \(maxListSize) bytes") }
                fields.append(field)
            }
        }
        return .fields(fields)
    }

    /// The Required Insert Count from its encoding (RFC 9204 §4.5.1.1).
    static func requiredInsertCount(encoded: UInt64, maxTableCapacity: Int, totalInserts: Int) -> Swift.Result<UInt64, Problem> {
        guard encoded != 0 else { return .success(0) }
        let maxEntries = UInt64(max(0, maxTableCapacity) / 32)
        let fullRange = 2 &* maxEntries
        guard encoded <= fullRange else { return .failure(Problem("required insert count \(encoded) beyond the table's range")) }
        let maxValue = UInt64(totalInserts) &+ maxEntries
        let maxWrapped = maxValue / fullRange &* fullRange
        var required = maxWrapped &+ encoded &- 1
        if required > maxValue {
            guard required > fullRange else { return .failure(Problem("invalid required insert count")) }
            required &-= fullRange
        }
        guard required != 0 else { return .failure(Problem("invalid required insert count")) }
        return .success(required)
    }

    /// A reason a section could not be decoded.
    struct Problem: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }

    /// One field line (RFC 9204 §4.5.2–§4.5.6).
    private static func line(
        _ reader: inout QPACKReader, table: QPACKDynamicTable, base: UInt64, required: UInt64, maxString: Int, huffman: inout QPACKHuffman
    ) -> Swift.Result<QPACKField, Problem> {
        guard let first = reader.peek else { return .failure(Problem("field line cut short")) }
        func dynamic(_ absolute: UInt64) -> Swift.Result<(name: String, value: String), Problem> {
            guard absolute < required, let entry = table.entry(absolute: absolute) else {
                return .failure(Problem("reference to dynamic entry \(absolute), outside the table (\(table.droppedCount)..<\(min(UInt64(table.insertCount), required)))"))
            }
            return .success(entry)
        }
        func relative(_ index: UInt64) -> Swift.Result<(name: String, value: String), Problem> {
            guard index < base else { return .failure(Problem("relative index \(index) below base \(base)")) }
            return dynamic(base &- 1 &- index)
        }
        func postBase(_ index: UInt64) -> Swift.Result<(name: String, value: String), Problem> {
            guard index < (1 << 62) &- base else { return .failure(Problem("post-base index \(index) out of range")) }
            return dynamic(base &+ index)
        }
        func value(_ name: String, _ reader: inout QPACKReader) -> Swift.Result<QPACKField, Problem> {
            guard let value = reader.readString(prefix: 7, maxLength: maxString, huffman: &huffman) else {
                return .failure(Problem("field value cut short or badly coded"))
            }
            return .success(QPACKField(name: name, value: value))
        }
        if first & 0x80 != 0 {
            // Indexed field line: 1 T index(6).
            guard let index = reader.readInteger(prefix: 6) else { return .failure(Problem("indexed field line cut short")) }
            if first & 0x40 != 0 {
                guard let entry = QPACKStaticTable.entry(index) else { return .failure(Problem("static index \(index) beyond the table")) }
                return .success(QPACKField(name: entry.name, value: entry.value))
            }
            return relative(index).map { QPACKField(name: $0.name, value: $0.value) }
        }
        if first & 0x40 != 0 {
            // Literal with name reference: 01 N T index(4), value.
            guard let index = reader.readInteger(prefix: 4) else { return .failure(Problem("name reference cut short")) }
            let name: String
            if first & 0x10 != 0 {
                guard let entry = QPACKStaticTable.entry(index) else { return .failure(Problem("static index \(index) beyond the table")) }
                name = entry.name
            } else {
                switch relative(index) {
                case .failure(let problem): return .failure(problem)
                case .success(let entry): name = entry.name
                }
            }
            return value(name, &reader)
        }
        if first & 0x20 != 0 {
            // Literal with literal name: 001 N H length(3) name, value.
            guard let name = reader.readString(prefix: 3, maxLength: maxString, huffman: &huffman) else {
                return .failure(Problem("field name cut short or badly coded"))
            }
            return value(name, &reader)
        }
        if first & 0x10 != 0 {
            // Indexed field line with post-base index: 0001 index(4).
            guard let index = reader.readInteger(prefix: 4) else { return .failure(Problem("post-base index cut short")) }
            return postBase(index).map { QPACKField(name: $0.name, value: $0.value) }
        }
        // Literal with post-base name reference: 0000 N index(3), value.
        guard let index = reader.readInteger(prefix: 3) else { return .failure(Problem("post-base name reference cut short")) }
        switch postBase(index) {
        case .failure(let problem): return .failure(problem)
        case .success(let entry): return value(entry.name, &reader)
        }
    }
}

/// One decoded field line.
struct QPACKField: Equatable {
    var name: String
    var value: String
}
