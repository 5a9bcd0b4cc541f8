import HarkCore
public import HarkModel
import NIOCore

extension HARGRPC {
    /// The `_grpc` object for a call: status, method, and its first messages each way with their fields
    /// (only when `options.includeBodies`), within `options.grpc`.
    public init(_ call: GRPCSummary, options: HARExportOptions) {
        self.init(service: call.service, method: call.method, status: call.status, statusMessage: call.statusMessage)
        let limits = options.grpc
        let requests = call.requestMessages.prefix(limits.maxMessages)
        let responses = call.responseMessages.prefix(limits.maxMessages)
        requestMessages = requests.map { HARGRPCMessage($0, decodingFields: options.includeBodies, limits: limits) }
        responseMessages = responses.map { HARGRPCMessage($0, decodingFields: options.includeBodies, limits: limits) }
        omittedRequestMessages = max(0, call.requestMessageCount - requests.count)
        omittedResponseMessages = max(0, call.responseMessageCount - responses.count)
    }
}

extension HARGRPCMessage {
    init(_ message: GRPCMessage, decodingFields: Bool, limits: HARGRPCLimits) {
        self.init(isCompressed: message.isCompressed, length: message.wireLength, fields: nil, decodingError: message.decodingError)
        guard decodingFields, message.decodingError == nil else { return }
        if message.payload.readableBytes == 0 {
            fields = []  // an empty message: every field at its default
            return
        }
        guard let decoded = message.protobufFields else { return }
        var budget = limits.maxFields
        var omitted = 0
        fields = HARProtobufField.bounded(decoded, budget: &budget, omitted: &omitted, maxValueBytes: limits.maxValueBytes)
        omittedFields = omitted
    }
}

extension HARProtobufField {
    /// `fields` in order while `budget` lasts (each field, nested or not, costs one); the fields left
    /// out, nested ones included, are added to `omitted`.
    static func bounded(
        _ fields: [ProtobufField],
        budget: inout Int,
        omitted: inout Int,
        maxValueBytes: Int
    ) -> [HARProtobufField] {
        var result: [HARProtobufField] = []
        for field in fields {
            guard budget > 0 else {
                omitted += count(field)
                continue
            }
            budget -= 1
            let value: Value
            switch field.value {
            case .varint(let number): value = .varint(number)
            case .fixed64(let number): value = .fixed64(number)
            case .fixed32(let number): value = .fixed32(number)
            case .bytes(_, let nested?):
                value = .message(bounded(nested, budget: &budget, omitted: &omitted, maxValueBytes: maxValueBytes))
            case .bytes(let bytes, nil):
                value = cut(bytes, maxValueBytes)
            }
            result.append(HARProtobufField(number: field.number, value: value))
        }
        return result
    }

    /// A field and the fields nested in it.
    private static func count(_ field: ProtobufField) -> Int {
        guard case .bytes(_, let nested?) = field.value else { return 1 }
        return nested.reduce(1) { $0 + count($1) }
    }

    /// A length-delimited value as `string` (text) or `bytes`, at most `maximum` bytes of it; text is cut
    /// at a character boundary.
    private static func cut(_ bytes: ByteBuffer, _ maximum: Int) -> Value {
        let isText = ProtobufWireDecoder.isText(bytes)
        var length = min(maximum, bytes.readableBytes)
        if isText {
            // Back off over UTF-8 continuation bytes (10xxxxxx) so that no character is split.
            while length > 0, length < bytes.readableBytes,
                let byte = bytes.getInteger(at: bytes.readerIndex + length, as: UInt8.self), byte & 0xC0 == 0x80
            {
                length -= 1
            }
        }
        let kept = bytes.getSlice(at: bytes.readerIndex, length: length) ?? ByteBuffer()
        let omitted = bytes.readableBytes - kept.readableBytes
        guard isText else { return .bytes(kept, omittedBytes: omitted) }
        return .string(String(decoding: kept.readableBytesView, as: UTF8.self), omittedBytes: omitted)
    }
}
