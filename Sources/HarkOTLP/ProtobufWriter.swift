/// Writes protocol buffers wire format (proto3, https://protobuf.dev/programming-guides/encoding/) for the
/// handful of OTLP messages hark sends.
///
/// Hand-written on purpose: swift-protobuf needs its code generator plugin at build time (about 9.5
/// minutes of a clean CI build) and swift-otel (about 7 minutes) cannot set span ids or a resource per
/// span; hark's messages use six wire shapes (varint, fixed32, fixed64, length-delimited bytes, strings
/// and nested messages), which fit in this one type. `OTLPConformanceTests` decodes what it writes with
/// the official `opentelemetry-proto` classes.
///
/// Fields are written in the order of the calls; proto3 defaults (0, empty) are skipped, as the
/// official encoders do, so a reader sees an unset field.
struct ProtobufWriter {
    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []

    /// - Parameter capacity: bytes to reserve, when the message's usual size is known.
    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Wire types (the low three bits of a tag).
    private enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    private mutating func tag(_ field: Int, _ type: WireType) {
        varint(UInt64(truncatingIfNeeded: field) << 3 | type.rawValue)
    }

    /// A base-128 varint, low group first.
    private mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: rest))
    }

    private mutating func littleEndian(_ value: UInt64, byteCount: Int) {
        for shift in stride(from: 0, to: byteCount * 8, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// An `int64`, `uint32`, `uint64` or enum field (negative values as ten-byte two's complement).
    mutating func varintField(_ field: Int, _ value: Int64) {
        guard value != 0 else { return }
        tag(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    /// A varint member of a oneof: written even when 0, so that the reader sees which member is set.
    mutating func oneofVarint(_ field: Int, _ value: Int64) {
        tag(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    /// A `bool` field.
    mutating func boolField(_ field: Int, _ value: Bool) {
        guard value else { return }
        tag(field, .varint)
        varint(1)
    }

    /// A `fixed64` field (OTLP times in nanoseconds since the epoch, counts).
    mutating func fixed64Field(_ field: Int, _ value: UInt64, always: Bool = false) {
        guard always || value != 0 else { return }
        tag(field, .fixed64)
        littleEndian(value, byteCount: 8)
    }

    /// An `sfixed64` field; `always` writes a zero too (a oneof member).
    mutating func sfixed64Field(_ field: Int, _ value: Int64, always: Bool = false) {
        fixed64Field(field, UInt64(bitPattern: value), always: always)
    }

    /// A `fixed32` field (span flags).
    mutating func fixed32Field(_ field: Int, _ value: UInt32) {
        guard value != 0 else { return }
        tag(field, .fixed32)
        littleEndian(UInt64(value), byteCount: 4)
    }

    /// A `double` field; `always` writes a zero too (for `optional double` and oneof members).
    mutating func doubleField(_ field: Int, _ value: Double, always: Bool = false) {
        guard always || value != 0 else { return }
        tag(field, .fixed64)
        littleEndian(value.bitPattern, byteCount: 8)
    }

    /// A `string` field.
    mutating func stringField(_ field: Int, _ value: String) {
        guard !value.isEmpty else { return }
        stringFieldAlways(field, value)
    }

    /// A `string` member of a oneof: written even when empty.
    mutating func stringFieldAlways(_ field: Int, _ value: String) {
        tag(field, .lengthDelimited)
        varint(UInt64(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    /// A `bytes` field.
    mutating func bytesField(_ field: Int, _ value: [UInt8]) {
        guard !value.isEmpty else { return }
        tag(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A `repeated fixed64` field, packed.
    mutating func packedFixed64Field(_ field: Int, _ values: [UInt64]) {
        guard !values.isEmpty else { return }
        tag(field, .lengthDelimited)
        varint(UInt64(values.count * 8))
        for value in values { littleEndian(value, byteCount: 8) }
    }

    /// A `repeated double` field, packed.
    mutating func packedDoubleField(_ field: Int, _ values: [Double]) {
        packedFixed64Field(field, values.map(\.bitPattern))
    }

    /// A message field whose body `body` writes; written even when empty when `always` (a oneof member
    /// or a present-but-empty message).
    ///
    /// The body is written in place after a one-byte length; a body of 128 bytes or more moves right by
    /// the length's extra bytes once it is known. Most nested messages (attributes, events, status) are
    /// shorter, so nesting allocates nothing.
    mutating func messageField(_ field: Int, always: Bool = false, _ body: (inout ProtobufWriter) -> Void) {
        let start = bytes.count
        tag(field, .lengthDelimited)
        let lengthIndex = bytes.count
        bytes.append(0)
        body(&self)
        let length = bytes.count - lengthIndex - 1
        if length == 0, !always {
            bytes.removeSubrange(start...)
        } else if length < 0x80 {
            bytes[lengthIndex] = UInt8(truncatingIfNeeded: length)
        } else {
            var prefix = ProtobufWriter()
            prefix.varint(UInt64(length))
            bytes.replaceSubrange(lengthIndex...lengthIndex, with: prefix.bytes)
        }
    }

    /// A message field from its already encoded body.
    mutating func encodedMessageField(_ field: Int, _ body: [UInt8]) {
        tag(field, .lengthDelimited)
        varint(UInt64(body.count))
        bytes.append(contentsOf: body)
    }
}
