public import HarkFormat
import NIOCore

extension JSONWriter {
    /// Writes a `_grpc` object: service, method, status, status message, the messages each way with
    /// their fields, and how many messages were left out. `hark trace --json --bodies` writes the same
    /// object as its `grpc` member.
    public mutating func grpc(_ grpc: HARGRPC) {
        beginObject()
        optionalMember("service", grpc.service)
        optionalMember("method", grpc.method)
        if let status = grpc.status {
            member("status", status)
        }
        optionalMember("statusMessage", grpc.statusMessage)
        key("requestMessages")
        grpcMessages(grpc.requestMessages)
        key("responseMessages")
        grpcMessages(grpc.responseMessages)
        if grpc.omittedRequestMessages > 0 {
            member("omittedRequestMessages", grpc.omittedRequestMessages)
        }
        if grpc.omittedResponseMessages > 0 {
            member("omittedResponseMessages", grpc.omittedResponseMessages)
        }
        endObject()
    }

    private mutating func grpcMessages(_ messages: [HARGRPCMessage]) {
        beginArray()
        for message in messages {
            beginObject()
            key("compressed")
            bool(message.isCompressed)
            member("length", message.length)
            if let fields = message.fields {
                key("fields")
                protobufFields(fields)
            }
            if message.omittedFields > 0 {
                member("omittedFields", message.omittedFields)
            }
            optionalMember("decodingError", message.decodingError)
            endObject()
        }
        endArray()
    }

    /// `[{"n": 1, "varint": 150}, {"n": 2, "string": "hi"}, {"n": 3, "message": [...]}, …]`.
    private mutating func protobufFields(_ fields: [HARProtobufField]) {
        beginArray()
        for field in fields {
            beginObject()
            key("n")
            exactInteger(field.number)
            switch field.value {
            case .varint(let number):
                key("varint")
                exactInteger(number)
            case .fixed64(let number):
                key("fixed64")
                exactInteger(number)
            case .fixed32(let number):
                key("fixed32")
                exactInteger(UInt64(number))
            case .string(let text, let omitted):
                member("string", text)
                if omitted > 0 { member("omittedBytes", omitted) }
            case .bytes(let bytes, let omitted):
                key("bytes")
                beginString()
                bytes.withUnsafeReadableBytes { Base64.write($0.assumingMemoryBound(to: UInt8.self), to: &buffer) }
                endString()
                if omitted > 0 { member("omittedBytes", omitted) }
            case .message(let nested):
                key("message")
                protobufFields(nested)
            }
            endObject()
        }
        endArray()
    }

    /// An unsigned integer as a JSON number when a double holds it exactly (up to 2^53 − 1), as a
    /// decimal string above that (as protobuf's JSON mapping does for 64-bit integers).
    private mutating func exactInteger(_ value: UInt64) {
        if value <= 1 << 53 - 1 {
            integer(Int64(value))
        } else {
            beginString()
            buffer.appendDecimal(value)
            endString()
        }
    }
}
