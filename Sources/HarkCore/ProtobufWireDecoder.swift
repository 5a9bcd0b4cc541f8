public import NIOCore

/// One protobuf field as found on the wire, decoded without a `.proto` schema.
public struct ProtobufField: Hashable, Sendable {
    /// A protobuf wire type (protobuf encoding guide, "Message Structure").
    public struct WireType: RawRepresentable, Hashable, Sendable {
        /// The three-bit wire type.
        public var rawValue: UInt8
        /// A wire type from its value.
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// int32, int64, uint32, uint64, sint32, sint64, bool, enum.
        public static let varint = WireType(rawValue: 0)
        /// fixed64, sfixed64, double.
        public static let fixed64 = WireType(rawValue: 1)
        /// string, bytes, embedded messages, packed repeated fields.
        public static let lengthDelimited = WireType(rawValue: 2)
        /// fixed32, sfixed32, float.
        public static let fixed32 = WireType(rawValue: 5)
    }

    /// A field value by wire type.
    public indirect enum Value: Hashable, Sendable {
        /// A varint.
        case varint(UInt64)
        /// Eight little-endian octets.
        case fixed64(UInt64)
        /// Four little-endian octets.
        case fixed32(UInt32)
        /// Length-delimited bytes, with their fields when they parse as a nested message.
        case bytes(ByteBuffer, nested: [ProtobufField]?)
    }

    /// The field number.
    public var number: UInt64
    /// The wire type.
    public var wireType: WireType
    /// The value.
    public var value: Value

    /// A field from its parts.
    public init(number: UInt64, wireType: WireType, value: Value) {
        self.number = number
        self.wireType = wireType
        self.value = value
    }
}

/// Decodes protobuf wire format without a schema: field numbers, wire types and values; a
/// length-delimited value is guessed to be a nested message when it parses as one in full and is not
/// text (short strings such as `hi` also parse as fields).
///
/// Outputs call it when they show a gRPC message, not per packet: it allocates the field arrays.
public enum ProtobufWireDecoder {
    /// How deep nested messages are guessed.
    public static let maxDepth = 16

    /// The fields of `message`, nil when it is not well-formed wire format (or is empty).
    public static func decode(_ message: ByteBuffer) -> [ProtobufField]? {
        decode(message, depth: 0)
    }

    private static func decode(_ message: ByteBuffer, depth: Int) -> [ProtobufField]? {
        var bytes = message
        var fields: [ProtobufField] = []
        while bytes.readableBytes > 0 {
            guard let key = readVarint(&bytes), key >> 3 > 0 else { return nil }
            let wireType = ProtobufField.WireType(rawValue: UInt8(key & 7))
            let value: ProtobufField.Value
            switch wireType {
            case .varint:
                guard let number = readVarint(&bytes) else { return nil }
                value = .varint(number)
            case .fixed64:
                guard let number = bytes.readInteger(endianness: .little, as: UInt64.self) else { return nil }
                value = .fixed64(number)
            case .fixed32:
                guard let number = bytes.readInteger(endianness: .little, as: UInt32.self) else { return nil }
                value = .fixed32(number)
            case .lengthDelimited:
                guard let length = readVarint(&bytes), length <= UInt64(bytes.readableBytes),
                    let content = bytes.readSlice(length: Int(length))
                else { return nil }
                let guessNested = depth < maxDepth && content.readableBytes > 0 && !isText(content)
                let nested = guessNested ? decode(content, depth: depth + 1) : nil
                value = .bytes(content, nested: nested)
            default:
                return nil  // groups (3, 4) are deprecated; 6 and 7 are invalid.
            }
            fields.append(ProtobufField(number: key >> 3, wireType: wireType, value: value))
        }
        return fields.isEmpty ? nil : fields
    }

    /// Whether a length-delimited value reads as text: valid UTF-8 without control characters other
    /// than tab, line feed and carriage return. Such a value is taken for a string, never guessed to be
    /// a nested message (whose keys and lengths are mostly control characters).
    public static func isText(_ bytes: ByteBuffer) -> Bool {
        var iterator = bytes.readableBytesView.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                let value = scalar.value
                if value == 0x7f || (value < 0x20 && value != 0x09 && value != 0x0a && value != 0x0d) { return false }
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// A base-128 varint of at most ten octets.
    static func readVarint(_ bytes: inout ByteBuffer) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        let start = bytes.readerIndex
        while shift < 64, let byte = bytes.readInteger(as: UInt8.self) {
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        bytes.moveReaderIndex(to: start)
        return nil
    }
}
