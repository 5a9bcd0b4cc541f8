public import Foundation
public import HarkCore
import NIOCore

/// The log the gRPC peer's client writes while `Scripts/record-grpc` records it
/// (`Tests/Fixtures/recorded/grpc-swift2-calls.expected.json`): per call, what it sent and received.
public struct RecordedGRPCLog: Decodable, Sendable {
    /// The client and server libraries.
    public var client: String
    public var server: String
    /// The calls in the order made.
    public var calls: [Call]

    /// One call.
    public struct Call: Decodable, Sendable {
        /// The request path, `/package.Service/Method`.
        public var method: String
        /// `unary`, `serverStreaming`, `clientStreaming` or `bidirectionalStreaming`.
        public var pattern: String
        /// `gzip` or `identity`.
        public var requestCompression: String
        /// Request messages in order, each as its fields.
        public var requests: [[Field]]
        /// Response messages in order, each as its fields.
        public var responses: [[Field]]
        /// `grpc-status`.
        public var status: Int
        /// `grpc-message`, empty when none.
        public var statusMessage: String
    }

    /// A protobuf field in the form `hark har` writes in `_grpc` messages: `{"n": 1, "varint": 150}`.
    public struct Field: Decodable, Hashable, Sendable, CustomStringConvertible {
        public enum Value: Hashable, Sendable {
            case varint(UInt64)
            case fixed64(UInt64)
            case fixed32(UInt64)
            case string(String)
            case bytes([UInt8])
            case message([Field])
        }

        public var number: UInt64
        public var value: Value

        public var description: String { "\(number): \(value)" }

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            number = try Self.number(Key("n"), in: container)
            if container.contains(Key("varint")) {
                value = .varint(try Self.number(Key("varint"), in: container))
            } else if container.contains(Key("fixed64")) {
                value = .fixed64(try Self.number(Key("fixed64"), in: container))
            } else if container.contains(Key("fixed32")) {
                value = .fixed32(try Self.number(Key("fixed32"), in: container))
            } else if container.contains(Key("string")) {
                value = .string(try container.decode(String.self, forKey: Key("string")))
            } else if container.contains(Key("bytes")) {
                let text = try container.decode(String.self, forKey: Key("bytes"))
                guard let data = Data(base64Encoded: text) else {
                    throw DecodingError.dataCorruptedError(forKey: Key("bytes"), in: container, debugDescription: "not base64")
                }
                value = .bytes([UInt8](data))
            } else {
                value = .message(try container.decode([Field].self, forKey: Key("message")))
            }
        }

        /// A number written as a JSON number, or as a decimal string above 2^53 − 1.
        private static func number(_ key: Key, in container: KeyedDecodingContainer<Key>) throws -> UInt64 {
            if let number = try? container.decode(UInt64.self, forKey: key) { return number }
            let text = try container.decode(String.self, forKey: key)
            guard let number = UInt64(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not a number: \(text)")
            }
            return number
        }

        /// A field decoded by hark, classified as the HAR form does: nested messages as `message`,
        /// text as `string`, other length-delimited values as `bytes`.
        public init(_ field: ProtobufField) {
            number = field.number
            switch field.value {
            case .varint(let number): value = .varint(number)
            case .fixed64(let number): value = .fixed64(number)
            case .fixed32(let number): value = .fixed32(UInt64(number))
            case .bytes(_, let nested?): value = .message(nested.map(Field.init))
            case .bytes(let bytes, nil):
                value = ProtobufWireDecoder.isText(bytes)
                    ? .string(String(decoding: bytes.readableBytesView, as: UTF8.self)) : .bytes(Array(bytes.readableBytesView))
            }
        }
    }

    /// Reads a log.
    public static func load(_ url: URL) throws -> RecordedGRPCLog {
        try JSONDecoder().decode(RecordedGRPCLog.self, from: Data(contentsOf: url))
    }
}
