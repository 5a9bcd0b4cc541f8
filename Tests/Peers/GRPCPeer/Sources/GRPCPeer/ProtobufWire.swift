/// Protobuf wire format written and read by hand (protobuf.dev, "Encoding"), so that the peer needs
/// no swift-protobuf code generation. Every write is also logged in the form `hark har` writes in
/// `_grpc` messages, which is what the recorded capture's `.expected.json` holds.
struct ProtobufWriter {
    /// The encoded message.
    private(set) var bytes: [UInt8] = []
    /// The fields written, in order, as logged.
    private(set) var fields: [LoggedField] = []

    /// A `uint64`/`uint32` field (wire type 0); proto3 leaves out zero.
    mutating func unsigned(_ number: UInt64, _ value: UInt64) {
        guard value != 0 else { return }
        key(number, wireType: 0)
        varint(value)
        fields.append(LoggedField(number: number, value: .varint(value)))
    }

    /// An `int32` field (wire type 0): a negative value is sign-extended to ten octets.
    mutating func signed(_ number: UInt64, _ value: Int32) {
        unsigned(number, UInt64(bitPattern: Int64(value)))
    }

    /// A `double` field (wire type 1, eight little-endian octets).
    mutating func double(_ number: UInt64, _ value: Double) {
        guard value != 0 else { return }
        key(number, wireType: 1)
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        fields.append(LoggedField(number: number, value: .fixed64(bits)))
    }

    /// A `float` field (wire type 5, four little-endian octets).
    mutating func float(_ number: UInt64, _ value: Float) {
        guard value != 0 else { return }
        key(number, wireType: 5)
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
        fields.append(LoggedField(number: number, value: .fixed32(bits)))
    }

    /// A `string` field (wire type 2).
    mutating func string(_ number: UInt64, _ value: String) {
        guard !value.isEmpty else { return }
        lengthDelimited(number, Array(value.utf8))
        fields.append(LoggedField(number: number, value: .string(value)))
    }

    /// A `bytes` field (wire type 2).
    mutating func bytes(_ number: UInt64, _ value: [UInt8]) {
        guard !value.isEmpty else { return }
        lengthDelimited(number, value)
        fields.append(LoggedField(number: number, value: .bytes(value)))
    }

    /// An embedded message field (wire type 2), written when set.
    mutating func message(_ number: UInt64, _ value: (some WireMessage)?) {
        guard let value else { return }
        var inner = ProtobufWriter()
        value.encode(to: &inner)
        lengthDelimited(number, inner.bytes)
        fields.append(LoggedField(number: number, value: .message(inner.fields)))
    }

    private mutating func lengthDelimited(_ number: UInt64, _ value: [UInt8]) {
        key(number, wireType: 2)
        varint(UInt64(value.count))
        bytes += value
    }

    private mutating func key(_ number: UInt64, wireType: UInt64) {
        varint(number << 3 | wireType)
    }

    private mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}

/// One field read from the wire.
struct WireField {
    /// A value by wire type.
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case lengthDelimited([UInt8])
    }

    var number: UInt64
    var value: Value

    /// The fields of an encoded message.
    /// - Throws: `PeerError` when the bytes are not protobuf wire format.
    static func fields(of bytes: [UInt8]) throws -> [WireField] {
        var fields: [WireField] = []
        var offset = 0
        func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while offset < bytes.count, shift < 64 {
                let byte = bytes[offset]
                offset += 1
                value |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            throw PeerError("bad varint at offset \(offset)")
        }
        func take(_ count: Int) throws -> [UInt8] {
            guard count >= 0, count <= bytes.count - offset else { throw PeerError("field past the end at offset \(offset)") }
            defer { offset += count }
            return Array(bytes[offset..<offset + count])
        }
        func littleEndian(_ count: Int) throws -> UInt64 {
            try take(count).reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
        while offset < bytes.count {
            let key = try varint()
            let value: Value
            switch key & 7 {
            case 0: value = .varint(try varint())
            case 1: value = .fixed64(try littleEndian(8))
            case 5: value = .fixed32(UInt32(truncatingIfNeeded: try littleEndian(4)))
            case 2:
                let length = try varint()
                guard length <= UInt64(Int.max) else { throw PeerError("length \(length) too large") }
                value = .lengthDelimited(try take(Int(length)))
            default: throw PeerError("wire type \(key & 7) at offset \(offset)")
            }
            fields.append(WireField(number: key >> 3, value: value))
        }
        return fields
    }

    var unsigned: UInt64 {
        if case .varint(let value) = value { return value }
        return 0
    }

    var int32: Int32 { Int32(truncatingIfNeeded: unsigned) }

    var double: Double {
        if case .fixed64(let bits) = value { return Double(bitPattern: bits) }
        return 0
    }

    var float: Float {
        if case .fixed32(let bits) = value { return Float(bitPattern: bits) }
        return 0
    }

    var bytes: [UInt8] {
        if case .lengthDelimited(let bytes) = value { return bytes }
        return []
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// A message type of the peer's service.
protocol WireMessage: Sendable {
    /// Writes the fields, in field-number order.
    func encode(to writer: inout ProtobufWriter)
    /// Reads the fields, ignoring unknown ones.
    init(fields: [WireField]) throws
}

extension WireMessage {
    /// The encoded bytes and the log of what they hold.
    var encoded: ProtobufWriter {
        var writer = ProtobufWriter()
        encode(to: &writer)
        return writer
    }
}

/// What went wrong in the peer.
struct PeerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
