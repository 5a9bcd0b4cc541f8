import HarkCore
import HarkModel
import NIOCore
import Testing

@testable import HarkText

/// gRPC messages in `hark trace --bodies`: protobuf fields in `protoc --decode_raw` style, bounded.
struct GRPCMessageTextTests {
    static func message(_ bytes: [UInt8], compressed: Bool = false, error: String? = nil) -> GRPCMessage {
        GRPCMessage(isCompressed: compressed, wireLength: bytes.count, payload: ByteBuffer(bytes: bytes), decodingError: error)
    }

    @Test func fieldsAreShownByWireType() {
        // {1: 150, 2: "say \"hi\"\n", 3: {1: 1}, 4: fixed32, 5: fixed64, 6: de ad be ef}
        let bytes: [UInt8] = [0x08, 0x96, 0x01] + [0x12, 0x09] + Array("say \"hi\"\n".utf8) + [0x1a, 0x02, 0x08, 0x01]
            + [0x25, 0x00, 0x00, 0x80, 0x3f] + [0x29, 1, 2, 3, 4, 5, 6, 7, 8] + [0x32, 0x04, 0xde, 0xad, 0xbe, 0xef]
        let text = GRPCMessageText([Self.message(bytes)], count: 1)
        #expect(
            text.lines == [
                "[gRPC message 1: 38 B]",
                "  1: 150",
                #"  2: "say \"hi\"\n""#,
                "  3 {",
                "    1: 1",
                "  }",
                "  4: 0x3f800000",
                "  5: 0x0807060504030201",
                "  6: <de ad be ef>",
            ]
        )
    }

    @Test func compressionEmptyAndOpaqueMessagesAreNamed() {
        let text = GRPCMessageText(
            [
                GRPCMessage(isCompressed: true, wireLength: 25, payload: ByteBuffer(bytes: [0x08, 0x01])),
                Self.message([0x1f, 0x8b], compressed: true, error: "gzip: truncated"),
                Self.message([]),
                Self.message(Array("{\"not\": \"protobuf\"}".utf8)),
            ],
            count: 5
        )
        #expect(
            text.lines == [
                "[gRPC message 1: 25 B compressed, 2 B decoded]",
                "  1: 1",
                "[gRPC message 2: 2 B compressed, not decoded: gzip: truncated]",
                "[gRPC message 3: 0 B]",
                "[gRPC message 4: 19 B]",
                "  [not protobuf wire format]",
                "[1 more gRPC messages]",
            ]
        )
    }

    @Test func longMessagesAreCut() {
        // 70 varint fields, then a 200-byte string: 64 fields shown, the rest counted.
        var bytes: [UInt8] = []
        for _ in 0..<70 { bytes += [0x08, 0x01] }
        let many = GRPCMessageText([Self.message(bytes)], count: 1)
        #expect(many.lines.count == 1 + GRPCMessageText.maximumFields + 1)
        #expect(many.lines.last == "  [6 more fields]")

        let long = GRPCMessageText([Self.message([0x0a, 200, 1] + Array(repeating: UInt8(ascii: "a"), count: 200))], count: 1)
        let expected = "  1: \"" + String(repeating: "a", count: GRPCMessageText.maximumValueBytes) + "\" [… 200 B]"
        #expect(long.lines.last == expected)

        let messages = GRPCMessageText(Array(repeating: Self.message([0x08, 0x01]), count: 20), count: 1000)
        #expect(messages.lines.last == "[984 more gRPC messages]")
    }
}
