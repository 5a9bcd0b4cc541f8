import HarkFormat

/// Any JSON value, for custom (`_`-prefixed) fields that modules add to HAR objects without changing
/// HarkHAR's types.
///
/// Objects keep their members in order, so output is stable. Literals work:
///
/// ```swift
/// entry.custom.append(HARJSONMember("_http2", ["weight": 16, "exclusive": false]))
/// ```
public indirect enum HARJSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    /// A floating-point number; NaN and infinities are written as `null`, which JSON can express.
    case number(Double)
    case string(String)
    case array([HARJSONValue])
    case object([HARJSONMember])
}

/// One member of a JSON object: a key and its value. Also the type of custom fields on HAR objects.
public struct HARJSONMember: Hashable, Sendable {
    /// The key. For a custom field on a HAR object it must start with `_` (HAR 1.2, "Custom Fields");
    /// the writer adds the underscore when it is missing.
    public var key: String
    /// The value.
    public var value: HARJSONValue

    public init(_ key: String, _ value: HARJSONValue) {
        self.key = key
        self.value = value
    }
}

extension HARJSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: HARJSONValue...) { self = .array(elements) }

    /// An object whose members keep the literal's order.
    public init(dictionaryLiteral elements: (String, HARJSONValue)...) {
        self = .object(elements.map { HARJSONMember($0.0, $0.1) })
    }
}

extension JSONWriter {
    /// The deepest nesting written for a custom value; anything deeper becomes `null`, so a value built
    /// from hostile input cannot exhaust the stack.
    static let maximumValueDepth = 64

    /// Writes a custom value.
    mutating func value(_ value: HARJSONValue, depth: Int = 0) {
        guard depth < JSONWriter.maximumValueDepth else { return null() }
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .integer(let number): integer(number)
        case .number(let number): double(number)
        case .string(let text): string(text)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element, depth: depth + 1) }
            endArray()
        case .object(let members):
            beginObject()
            for member in members {
                key(text: member.key)
                self.value(member.value, depth: depth + 1)
            }
            endObject()
        }
    }

    /// Writes a custom field's key, adding the leading underscore HAR 1.2 requires of custom fields
    /// ("Custom fields and elements MUST start with an underscore") when it is missing.
    mutating func customKey(_ name: String) {
        beginKey()
        if name.utf8.first != UInt8(ascii: "_") {
            buffer.append(UInt8(ascii: "_"))
        }
        appendEscaped(name)
        endKey()
    }

    /// Writes custom fields as members of the open object, underscore-prefixed.
    mutating func customFields(_ fields: [HARJSONMember]) {
        for field in fields {
            customKey(field.key)
            value(field.value)
        }
    }
}
