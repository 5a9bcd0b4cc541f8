/// Builds one JSON object as text, keys in insertion order: for JSON-lines output, where each line is
/// small and field order should be stable for people reading it.
public struct JSONObjectBuilder {
    private var text = "{"
    private var isEmpty = true

    public init() {}

    public mutating func add(_ key: String, _ value: String) {
        addRaw(key, JSONText.quoted(value))
    }

    public mutating func add(_ key: String, _ value: Int) {
        addRaw(key, String(value))
    }

    public mutating func add(_ key: String, _ value: Int64) {
        addRaw(key, String(value))
    }

    public mutating func add(_ key: String, _ value: Bool) {
        addRaw(key, value ? "true" : "false")
    }

    /// A number with at most 3 decimals; non-finite values become 0 so the output stays valid JSON.
    public mutating func add(_ key: String, _ value: Double) {
        addRaw(key, JSONText.number(value))
    }

    /// `value` must already be valid JSON (a nested object or array).
    public mutating func addRaw(_ key: String, _ value: String) {
        if !isEmpty { text += "," }
        isEmpty = false
        text += JSONText.quoted(key)
        text += ":"
        text += value
    }

    /// The finished object.
    public func build() -> String {
        text + "}"
    }
}

/// JSON text primitives (RFC 8259).
public enum JSONText {
    /// `value` as a JSON string literal: quotes, backslashes and control characters escaped.
    public static func quoted(_ value: String) -> String {
        var result = "\""
        result.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// A finite number with at most 3 decimals and no trailing zeros.
    public static func number(_ value: Double) -> String {
        var text = TimestampFormat.decimal(value, places: 3)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
