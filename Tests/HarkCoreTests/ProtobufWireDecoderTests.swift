import HarkCore
import NIOCore
import Testing

@Test func wireFieldsAndNestedMessagesAreDecoded() throws {
    // field 1 varint 150; field 2 string "hi"; field 3 nested {1: 1}; field 4 fixed32; field 5 fixed64
    let bytes: [UInt8] = [0x08, 0x96, 0x01, 0x12, 0x02, 0x68, 0x69, 0x1a, 0x02, 0x08, 0x01,
        0x25, 1, 0, 0, 0, 0x29, 2, 0, 0, 0, 0, 0, 0, 0]
    let fields = try #require(ProtobufWireDecoder.decode(ByteBuffer(bytes: bytes)))
    #expect(fields.map(\.number) == [1, 2, 3, 4, 5])
    #expect(fields[0].value == .varint(150))
    #expect(fields[1].value == .bytes(ByteBuffer(string: "hi"), nested: nil))
    #expect(fields[2].value == .bytes(ByteBuffer(bytes: [0x08, 0x01]), nested: [.init(number: 1, wireType: .varint, value: .varint(1))]))
    #expect(fields[3].value == .fixed32(1) && fields[4].value == .fixed64(2))
}

@Test func bytesThatAreNotProtobufAreRejected() {
    #expect(ProtobufWireDecoder.decode(ByteBuffer(bytes: [0x0a, 0x09, 0x01])) == nil)  // length past the end
    #expect(ProtobufWireDecoder.decode(ByteBuffer(bytes: [0x0f])) == nil)  // wire type 7
    #expect(ProtobufWireDecoder.decode(ByteBuffer(bytes: [0x08] + Array(repeating: 0xff, count: 11))) == nil)
    #expect(ProtobufWireDecoder.decode(ByteBuffer()) == nil)
}
