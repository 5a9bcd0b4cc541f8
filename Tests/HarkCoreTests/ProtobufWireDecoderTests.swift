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

@Test func textIsKeptAsAStringEvenWhenItParsesAsFields() throws {
    // "hi" parses as {13: 105} ('h' is field 13, wire type 0) and "(éa" as {5: varint} ('(' is field 5,
    // wire type 0, then the varint c3 a9 61); text is never taken for a nested message.
    let message: [UInt8] = [0x0a, 0x02, 0x68, 0x69] + [0x12, 0x04] + Array("(éa".utf8)
    let fields = try #require(ProtobufWireDecoder.decode(ByteBuffer(bytes: message)))
    #expect(fields.map(\.value) == [.bytes(ByteBuffer(string: "hi"), nested: nil), .bytes(ByteBuffer(string: "(éa"), nested: nil)])
    #expect(ProtobufWireDecoder.isText(ByteBuffer(string: "tab\tnew line\n, é and ✓")))
    #expect(!ProtobufWireDecoder.isText(ByteBuffer(bytes: [0x08, 0x01])), "a control character: a nested message")
    #expect(!ProtobufWireDecoder.isText(ByteBuffer(bytes: [0x68, 0xc3])), "cut UTF-8")
    #expect(!ProtobufWireDecoder.isText(ByteBuffer(bytes: [0xde, 0xad, 0xbe, 0xef])))
    #expect(ProtobufWireDecoder.isText(ByteBuffer()))
}
