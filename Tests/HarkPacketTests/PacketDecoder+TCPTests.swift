import HarkCore
import HarkPacket
import HarkTestSupport
import NIOCore
import Testing

struct PacketDecoderTCPTests {
    static func decode(_ segment: [UInt8], ipPayloadLength: Int? = nil) -> DecodedPacket {
        var packet = PacketBuilder.ipv4(from: "10.1.1.1", to: "10.2.2.2", payload: segment)
        if let ipPayloadLength {
            packet[2] = UInt8((20 + ipPayloadLength) >> 8)
            packet[3] = UInt8((20 + ipPayloadLength) & 0xFF)
        }
        return decodeOnce(PacketBuilder.ethernet(packet))
    }

    @Test func headerFieldsAreDecoded() throws {
        let bytes = PacketBuilder.tcp(
            sourcePort: 443,
            destinationPort: 51000,
            sequenceNumber: 0xFFFF_FFF0,
            acknowledgmentNumber: 0x0102_0304,
            flags: [.syn, .ack, .ece, .cwr],
            window: 1234,
            payload: [0x68, 0x69]
        )
        let segment = try #require(Self.decode(bytes).segment)
        #expect(segment.source == Endpoint(address: try #require(IPAddress("10.1.1.1")), port: 443))
        #expect(segment.destination == Endpoint(address: try #require(IPAddress("10.2.2.2")), port: 51000))
        #expect(segment.sequenceNumber == 0xFFFF_FFF0)
        #expect(segment.acknowledgmentNumber == 0x0102_0304)
        #expect(segment.flags == [.syn, .ack, .ece, .cwr])
        #expect(segment.window == 1234)
        #expect(segment.payloadText == "hi")
        #expect(segment.options == TCPOptions())
    }

    @Test func optionsAreParsed() throws {
        let sack = [SACKBlock(left: 100, right: 200), SACKBlock(left: 300, right: 400)]
        let bytes = PacketBuilder.tcp(
            flags: [.syn],
            options: [
                .maximumSegmentSize(1460), .sackPermitted, .timestamp(value: 11, echoReply: 22), .noOperation,
                .windowScale(7), .noOperation, .noOperation, .sack(sack),
            ],
            payload: [1]
        )
        let segment = try #require(Self.decode(bytes).segment)
        #expect(
            segment.options
                == TCPOptions(
                    maximumSegmentSize: 1460,
                    windowScale: 7,
                    sackPermitted: true,
                    sackBlockCount: 2,
                    firstSACKBlock: sack[0],
                    timestamp: TCPTimestampOption(value: 11, echoReply: 22)
                )
        )
        #expect(Array(buffer: segment.payload) == [1])
    }

    @Test(arguments: [
        // A length below 2 stops parsing; what came before is kept.
        (
            [PacketBuilder.TCPOption.maximumSegmentSize(1400), .raw([3, 1, 7]), .windowScale(2)],
            TCPOptions(maximumSegmentSize: 1400)
        ),
        // A length running past the header stops parsing.
        ([.windowScale(4), .raw([8, 40, 0, 0])], TCPOptions(windowScale: 4)),
        // Known options with the wrong length are skipped, the rest still parsed.
        ([.raw([2, 3, 5]), .raw([8, 6, 0, 0, 0, 1]), .sackPermitted], TCPOptions(sackPermitted: true)),
        // End of option list ends parsing.
        ([.endOfList, .maximumSegmentSize(1400)], TCPOptions()),
        // An option kind with no room for its length byte.
        ([.noOperation, .noOperation, .noOperation, .raw([2])], TCPOptions()),
    ])
    func malformedOptionsNeverRejectTheSegment(options: [PacketBuilder.TCPOption], expected: TCPOptions) throws {
        let segment = try #require(Self.decode(PacketBuilder.tcp(options: options, payload: [0x7A])).segment)
        #expect(segment.options == expected)
        #expect(segment.payloadText == "z")
    }

    @Test func malformedHeadersNameTheProblem() throws {
        var shortOffset = PacketBuilder.tcp(payload: [1, 2, 3, 4])
        shortOffset[12] = 0x40
        #expect(
            Self.decode(shortOffset).error
                == PacketError(layer: .tcp, offset: 34, problem: .headerLengthBelowMinimum(words: 4, minimum: 5))
        )

        var longOffset = PacketBuilder.tcp(payload: [1, 2, 3, 4])
        longOffset[12] = 0xF0
        #expect(
            Self.decode(longOffset).error
                == PacketError(
                    layer: .tcp,
                    offset: 34,
                    problem: .headerBeyondIPPayload(headerEnd: 60, payloadLength: 24)
                )
        )

        #expect(
            Self.decode(PacketBuilder.tcp(), ipPayloadLength: 12).error
                == PacketError(
                    layer: .tcp,
                    offset: 34,
                    problem: .headerBeyondIPPayload(headerEnd: 20, payloadLength: 12)
                )
        )

        let frame = PacketBuilder.ethernet(
            PacketBuilder.ipv4(
                from: "10.1.1.1",
                to: "10.2.2.2",
                payload: PacketBuilder.tcp(options: [.timestamp(value: 1, echoReply: 2)])
            )
        )
        #expect(
            decodeOnce(Array(frame.prefix(34 + 10))).error
                == PacketError(layer: .tcp, offset: 34, problem: .truncated(needed: 20, captured: 10))
        )
        #expect(
            decodeOnce(Array(frame.prefix(34 + 25))).error
                == PacketError(layer: .tcp, offset: 34, problem: .truncated(needed: 32, captured: 25))
        )
    }
}
