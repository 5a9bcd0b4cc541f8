import GRPCCore

/// Serializes a peer message with the hand-written protobuf encoder.
struct WireSerializer<Message: WireMessage>: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: Message) throws -> Bytes {
        Bytes(message.encoded.bytes)
    }
}

/// Deserializes a peer message with the hand-written protobuf reader.
struct WireDeserializer<Message: WireMessage>: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Message {
        let bytes = serializedMessageBytes.withUnsafeBytes { Array($0) }
        return try Message(fields: WireField.fields(of: bytes))
    }
}
