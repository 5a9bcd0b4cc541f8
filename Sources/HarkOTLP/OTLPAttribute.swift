/// One OTLP attribute (`opentelemetry.proto.common.v1.KeyValue`): a key and a scalar value.
public struct OTLPAttribute: Hashable, Sendable {
    /// The values hark writes (`AnyValue`'s scalar members).
    public enum Value: Hashable, Sendable {
        case string(String)
        case bool(Bool)
        case int(Int64)
        case double(Double)
    }

    /// The attribute name (`http.request.method`).
    public var key: String
    /// Its value.
    public var value: Value

    /// - Parameters: as the properties of the same names.
    public init(_ key: String, _ value: Value) {
        self.key = key
        self.value = value
    }

    /// A string attribute.
    public static func string(_ key: String, _ value: String) -> OTLPAttribute { OTLPAttribute(key, .string(value)) }
    /// An integer attribute.
    public static func int(_ key: String, _ value: Int) -> OTLPAttribute { OTLPAttribute(key, .int(Int64(value))) }
    /// A boolean attribute.
    public static func bool(_ key: String, _ value: Bool) -> OTLPAttribute { OTLPAttribute(key, .bool(value)) }

    /// Writes this as a `KeyValue` in `field` of the enclosing message.
    func write(_ field: Int, to writer: inout ProtobufWriter) {
        writer.messageField(field, always: true) { keyValue in
            keyValue.stringField(1, key)
            // AnyValue: a oneof, so its member is written even when it holds the default.
            keyValue.messageField(2, always: true) { any in
                switch value {
                case .string(let text): any.stringFieldAlways(1, text)
                case .bool(let flag): any.oneofVarint(2, flag ? 1 : 0)
                case .int(let number): any.oneofVarint(3, number)
                case .double(let number): any.doubleField(4, number, always: true)
                }
            }
        }
    }
}

extension [OTLPAttribute] {
    /// Writes every attribute as a repeated `KeyValue` field.
    func write(_ field: Int, to writer: inout ProtobufWriter) {
        for attribute in self { attribute.write(field, to: &writer) }
    }
}
