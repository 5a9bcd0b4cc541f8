import Foundation

/// One protobuf field as `hark har` writes it in `_grpc` messages: `{"n": <field number>, <kind>: <value>}`
/// with kind `varint`, `fixed64`, `fixed32` (numbers; above 2^53 − 1 as decimal strings), `string`,
/// `bytes` (base64) or `message` (the nested fields).
struct LoggedField: Encodable, Sendable {
    enum Value: Sendable {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case string(String)
        case bytes([UInt8])
        case message([LoggedField])
    }

    var number: UInt64
    var value: Value

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(number, forKey: Key("n"))
        switch value {
        case .varint(let number): try Self.encode(number, as: "varint", in: &container)
        case .fixed64(let number): try Self.encode(number, as: "fixed64", in: &container)
        case .fixed32(let number): try Self.encode(UInt64(number), as: "fixed32", in: &container)
        case .string(let text): try container.encode(text, forKey: Key("string"))
        case .bytes(let bytes): try container.encode(Data(bytes).base64EncodedString(), forKey: Key("bytes"))
        case .message(let fields): try container.encode(fields, forKey: Key("message"))
        }
    }

    /// JSON numbers are exact up to 2^53 − 1; larger values are written as decimal strings.
    private static func encode(_ number: UInt64, as kind: String, in container: inout KeyedEncodingContainer<Key>) throws {
        if number <= 9_007_199_254_740_991 {
            try container.encode(number, forKey: Key(kind))
        } else {
            try container.encode(String(number), forKey: Key(kind))
        }
    }
}

/// What the client sent and received in one call.
struct CallRecord: Encodable, Sendable {
    /// The request path, `/hark.inventory.Inventory/GetItem`.
    var method: String
    /// `unary`, `serverStreaming`, `clientStreaming` or `bidirectionalStreaming`.
    var pattern: String
    /// The `grpc-encoding` the client asked for its request messages: `gzip` or `identity`.
    var requestCompression: String
    /// Request messages in order, each as its fields.
    var requests: [[LoggedField]]
    /// Response messages in order, each as its fields (as the client's deserializer read them).
    var responses: [[LoggedField]]
    /// The final `grpc-status` (0 is OK).
    var status: Int
    /// The `grpc-message`, empty when none.
    var statusMessage: String
}

/// The client's log: `.expected.json` beside the recorded capture.
struct CallLog: Encodable, Sendable {
    var client: String
    var server: String
    var calls: [CallRecord]

    /// Pretty JSON with sorted keys, so that a re-recording diffs cleanly.
    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
