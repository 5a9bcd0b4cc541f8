public import HarkCore

/// A decoded header block (HEADERS or PUSH_PROMISE plus CONTINUATION): pseudo-header fields apart from
/// regular fields, and what could not be decoded.
public struct HTTP2HeaderBlock: Hashable, Sendable {
    /// A field whose name (and maybe value) lives in a dynamic table entry hark never saw, because the
    /// capture started after it was added.
    public struct UnresolvedField: Hashable, Sendable {
        /// The HPACK index referenced (62 or more: the dynamic table).
        public var index: Int
        /// The value, when it was sent as a literal after an indexed name.
        public var value: String?

        /// An unresolved field from its index and known value.
        public init(index: Int, value: String?) {
            self.index = index
            self.value = value
        }
    }

    /// Pseudo-header fields (`:method`, `:scheme`, `:authority`, `:path`, `:status`, `:protocol`), in
    /// wire order.
    public var pseudoHeaders: HTTPFields
    /// Regular fields, in wire order.
    public var fields: HTTPFields
    /// Fields that referenced unknown dynamic table entries, in wire order.
    public var unresolved: [UnresolvedField]
    /// True when decoding stopped early (malformed HPACK, header list over the limit): fields after the
    /// problem are missing.
    public var isDamaged: Bool
    /// Encoded size of the block (all fragments), in octets.
    public var encodedSize: Int

    /// A header block from its parts.
    public init(
        pseudoHeaders: HTTPFields = HTTPFields(),
        fields: HTTPFields = HTTPFields(),
        unresolved: [UnresolvedField] = [],
        isDamaged: Bool = false,
        encodedSize: Int = 0
    ) {
        self.pseudoHeaders = pseudoHeaders
        self.fields = fields
        self.unresolved = unresolved
        self.isDamaged = isDamaged
        self.encodedSize = encodedSize
    }

    /// The decoded size of the block as RFC 7541 counts it: each field's name and value octets plus 32.
    var listSize: Int {
        let size = { (total: Int, field: HTTPFields.Field) in total &+ field.name.utf8.count &+ field.value.utf8.count &+ 32 }
        return fields.reduce(pseudoHeaders.reduce(0, size), size)
    }

    /// Whether some fields are missing or unknown.
    public var isPartial: Bool { isDamaged || !unresolved.isEmpty }

    /// The first value of pseudo-header `name` (with its colon: `":path"`).
    public func pseudo(_ name: String) -> String? { pseudoHeaders.first(name) }

    /// Gives a request block whose `:path` is missing the one unresolved field whose value was sent as
    /// a literal starting with `/` as its `:path`. A request must carry `:path` (RFC 9113 §8.3.1), and
    /// peers that index it once send later paths as literals naming that entry (gRPC channels do: each
    /// call's path a literal after the `:path` name added by the first call), so a capture that starts
    /// after that first call still shows every later call's path.
    ///
    /// - Returns: whether `:path` was taken from an unresolved field.
    mutating func inferPathFromUnresolvedField() -> Bool {
        guard pseudo(":path") == nil, pseudo(":method").map({ $0 != "CONNECT" }) ?? true else { return false }
        let candidates = unresolved.indices.filter { unresolved[$0].value?.hasPrefix("/") == true }
        guard candidates.count == 1, let index = candidates.first, let value = unresolved[index].value else { return false }
        unresolved.remove(at: index)
        append(name: ":path", value: value)
        return true
    }

    /// Adds a decoded field to the pseudo-headers or the regular fields.
    mutating func append(name: String, value: String) {
        if name.utf8.first == UInt8(ascii: ":") {
            pseudoHeaders.fields.append(HTTPFields.Field(name: name, value: value))
        } else {
            fields.fields.append(HTTPFields.Field(name: name, value: value))
        }
    }
}
