/// A header or trailer section: fields in their original order and case, with case-insensitive lookup.
///
/// Duplicates are kept as separate fields, exactly as on the wire; `values(for:)` returns all of them.
///
/// ### Example
/// ```swift
/// let headers: HTTPFields = ["Host": "example.com", "Accept": "*/*", "accept": "text/html"]
/// headers.first("HOST")        // "example.com"
/// headers.values(for: "Accept") // ["*/*", "text/html"]
/// ```
public struct HTTPFields: Hashable, Sendable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    /// One field line.
    public struct Field: Hashable, Sendable {
        /// The name as sent (surrounding whitespace removed).
        public var name: String
        /// The value with leading and trailing whitespace removed; folded continuation lines (obs-fold)
        /// are joined with single spaces.
        public var value: String

        /// A field line from its name and value.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The fields in wire order.
    public var fields: [Field]

    /// Headers from fields in wire order.
    public init(_ fields: [Field] = []) {
        self.fields = fields
    }

    /// Headers from `name: value` pairs in order; repeated names are kept.
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    /// The position of the first field.
    public var startIndex: Int { fields.startIndex }
    /// The position after the last field.
    public var endIndex: Int { fields.endIndex }
    /// The field at `position`, in wire order.
    public subscript(position: Int) -> Field { fields[position] }

    /// The value of the first field called `name` (ASCII case-insensitive), or nil.
    public func first(_ name: String) -> String? {
        fields.first { Self.namesMatch($0.name, name) }?.value
    }

    /// The values of every field called `name` (ASCII case-insensitive), in order.
    public func values(for name: String) -> [String] {
        fields.compactMap { Self.namesMatch($0.name, name) ? $0.value : nil }
    }

    /// Whether a field called `name` is present (ASCII case-insensitive).
    public func contains(_ name: String) -> Bool {
        fields.contains { Self.namesMatch($0.name, name) }
    }

    /// Whether any field called `name` lists `token` among its comma-separated elements, compared
    /// case-insensitively: `containsToken("close", in: "Connection")`.
    public func containsToken(_ token: String, in name: String) -> Bool {
        for field in fields where Self.namesMatch(field.name, name) {
            for element in field.value.utf8.split(separator: UInt8(ascii: ",")) {
                let trimmed = element.drop { $0 == 0x20 || $0 == 0x09 }
                var end = trimmed.endIndex
                while end > trimmed.startIndex {
                    let before = trimmed.index(before: end)
                    guard trimmed[before] == 0x20 || trimmed[before] == 0x09 else { break }
                    end = before
                }
                if ASCII.equalIgnoringCase(trimmed[trimmed.startIndex..<end], token.utf8) { return true }
            }
        }
        return false
    }

    /// ASCII case-insensitive comparison of field names.
    static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        // Native strings compare as byte buffers: a generic walk of two UTF8Views costs about ten
        // times as much, and views look fields up several times per exchange.
        let compared = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in
                ASCII.equalIgnoringCase(UnsafeRawBufferPointer(left), UnsafeRawBufferPointer(right))
            }
        }
        return compared.flatMap { $0 } ?? ASCII.equalIgnoringCase(lhs.utf8, rhs.utf8)
    }
}
