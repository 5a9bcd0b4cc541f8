import HarkCore
import NIOCore

/// Writes the primitive values of a detail record: fixed-width little-endian integers, length-prefixed
/// strings and bytes, a flag byte before each optional. `RecordReader` reads them back.
struct RecordWriter {
    var buffer: ByteBuffer

    init(capacity: Int = 1024) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func int(_ value: Int) { buffer.writeInteger(Int64(value), endianness: .little) }
    mutating func uint64(_ value: UInt64) { buffer.writeInteger(value, endianness: .little) }
    mutating func bool(_ value: Bool) { buffer.writeInteger(UInt8(value ? 1 : 0)) }
    mutating func time(_ value: Timestamp) { buffer.writeInteger(value.nanoseconds, endianness: .little) }

    mutating func string(_ value: String) {
        let utf8 = value.utf8
        buffer.writeInteger(UInt32(truncatingIfNeeded: utf8.count), endianness: .little)
        buffer.writeString(value)
    }

    mutating func bytes(_ value: ByteBuffer) {
        buffer.writeInteger(UInt32(truncatingIfNeeded: value.readableBytes), endianness: .little)
        buffer.writeImmutableBuffer(value)
    }

    mutating func optional<Value>(_ value: Value?, _ write: (inout RecordWriter, Value) -> Void) {
        bool(value != nil)
        if let value { write(&self, value) }
    }

    mutating func array<Element>(_ values: [Element], _ write: (inout RecordWriter, Element) -> Void) {
        int(values.count)
        for value in values { write(&self, value) }
    }

    mutating func endpoint(_ value: Endpoint) {
        bool(value.address.isIPv6)
        uint64(value.address.high)
        uint64(value.address.low)
        int(Int(value.port))
    }

    mutating func fields(_ value: HTTPFields) {
        int(value.fields.count)
        for field in value.fields {
            string(field.name)
            string(field.value)
        }
    }
}

/// Reads what `RecordWriter` wrote; every read checks its bounds and fails (nil) on a short or
/// inconsistent record, so a damaged journal gives a missing detail, never a crash.
struct RecordReader {
    struct Malformed: Error {}

    var buffer: ByteBuffer

    mutating func int() throws(Malformed) -> Int {
        guard let value = buffer.readInteger(endianness: .little, as: Int64.self) else { throw Malformed() }
        return Int(value)
    }

    mutating func count() throws(Malformed) -> Int {
        let value = try int()
        // Every element takes at least one byte, so a count above the bytes left is damage.
        guard value >= 0, value <= buffer.readableBytes else { throw Malformed() }
        return value
    }

    mutating func uint64() throws(Malformed) -> UInt64 {
        guard let value = buffer.readInteger(endianness: .little, as: UInt64.self) else { throw Malformed() }
        return value
    }

    mutating func bool() throws(Malformed) -> Bool {
        guard let value = buffer.readInteger(as: UInt8.self), value <= 1 else { throw Malformed() }
        return value == 1
    }

    mutating func time() throws(Malformed) -> Timestamp {
        guard let value = buffer.readInteger(endianness: .little, as: Int64.self) else { throw Malformed() }
        return Timestamp(nanoseconds: value)
    }

    mutating func string() throws(Malformed) -> String {
        guard let length = buffer.readInteger(endianness: .little, as: UInt32.self),
            let value = buffer.readString(length: Int(length))
        else { throw Malformed() }
        return value
    }

    mutating func bytes() throws(Malformed) -> ByteBuffer {
        guard let length = buffer.readInteger(endianness: .little, as: UInt32.self),
            let value = buffer.readSlice(length: Int(length))
        else { throw Malformed() }
        return value
    }

    mutating func optional<Value>(_ read: (inout RecordReader) throws(Malformed) -> Value) throws(Malformed) -> Value? {
        try bool() ? try read(&self) : nil
    }

    mutating func array<Element>(_ read: (inout RecordReader) throws(Malformed) -> Element) throws(Malformed) -> [Element] {
        let count = try count()
        var result: [Element] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try read(&self)) }
        return result
    }

    mutating func endpoint() throws(Malformed) -> Endpoint {
        let isIPv6 = try bool()
        let high = try uint64()
        let low = try uint64()
        let port = try int()
        let address = isIPv6 ? IPAddress(ipv6High: high, low: low) : IPAddress(ipv4: UInt32(truncatingIfNeeded: low))
        return Endpoint(address: address, port: UInt16(truncatingIfNeeded: port))
    }

    mutating func fields() throws(Malformed) -> HTTPFields {
        let count = try count()
        var fields: [HTTPFields.Field] = []
        fields.reserveCapacity(count)
        for _ in 0..<count {
            let name = try string()
            fields.append(HTTPFields.Field(name: name, value: try string()))
        }
        return HTTPFields(fields)
    }
}
