public import NIOCore

/// Bounds on the gRPC messages written in an entry's `_grpc` object, so that a long stream or a large
/// message cannot blow up the document. What is left out is counted.
public struct HARGRPCLimits: Hashable, Sendable {
    /// Messages written per direction (default 32); the rest are counted in `omittedRequestMessages` /
    /// `omittedResponseMessages`.
    public var maxMessages: Int
    /// Fields written per message, nested ones included (default 64); the rest are counted in the
    /// message's `omittedFields`.
    public var maxFields: Int
    /// Bytes of a `string` or `bytes` value written (default 256); the rest are counted in the field's
    /// `omittedBytes`.
    public var maxValueBytes: Int

    /// Limits from their parts; negative values count as 0.
    public init(maxMessages: Int = 32, maxFields: Int = 64, maxValueBytes: Int = 256) {
        self.maxMessages = max(0, maxMessages)
        self.maxFields = max(0, maxFields)
        self.maxValueBytes = max(0, maxValueBytes)
    }
}

/// One gRPC message in `_grpc.requestMessages` / `_grpc.responseMessages`:
/// `{"compressed": false, "length": 12, "fields": [...]}`.
public struct HARGRPCMessage: Hashable, Sendable {
    /// The compressed flag of the length prefix.
    public var isCompressed: Bool
    /// The declared length, in octets, as sent (compressed, when compressed).
    public var length: Int
    /// The payload's protobuf fields (decompressed first), decoded without a schema; nil when the payload
    /// is not protobuf wire format, or when bodies are left out.
    public var fields: [HARProtobufField]?
    /// Fields not written because of `HARGRPCLimits.maxFields`, nested ones included.
    public var omittedFields: Int
    /// Why a compressed payload could not be decompressed.
    public var decodingError: String?

    /// A message from its parts.
    public init(
        isCompressed: Bool,
        length: Int,
        fields: [HARProtobufField]?,
        omittedFields: Int = 0,
        decodingError: String? = nil
    ) {
        self.isCompressed = isCompressed
        self.length = length
        self.fields = fields
        self.omittedFields = omittedFields
        self.decodingError = decodingError
    }
}

/// One protobuf field, written as `{"n": <field number>, <kind>: <value>}`.
///
/// The kind names the wire type: `varint` (0), `fixed64` (1), `fixed32` (5), and for length-delimited
/// values (2) `message` when the value parses as a nested message (a guess: no schema), `string` when
/// it reads as text, `bytes` (base64) otherwise.
public struct HARProtobufField: Hashable, Sendable {
    /// A value by kind.
    public enum Value: Hashable, Sendable {
        /// `"varint"`: written as a JSON number up to 2^53 − 1, above that as a decimal string.
        case varint(UInt64)
        /// `"fixed64"`: the eight octets as an unsigned number (a `double`'s bit pattern, for instance).
        case fixed64(UInt64)
        /// `"fixed32"`: the four octets as an unsigned number.
        case fixed32(UInt32)
        /// `"string"`: text, cut at a character boundary, and the bytes cut off (`"omittedBytes"`).
        case string(String, omittedBytes: Int)
        /// `"bytes"`: base64, and the bytes cut off (`"omittedBytes"`).
        case bytes(ByteBuffer, omittedBytes: Int)
        /// `"message"`: the nested fields.
        case message([HARProtobufField])
    }

    /// The field number.
    public var number: UInt64
    /// The value.
    public var value: Value

    /// A field from its parts.
    public init(number: UInt64, value: Value) {
        self.number = number
        self.value = value
    }
}
