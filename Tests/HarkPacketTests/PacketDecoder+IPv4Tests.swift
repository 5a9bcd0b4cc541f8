import HarkCore
import HarkPacket
import HarkTestSupport
import NIOCore
import Testing

struct PacketDecoderIPv4Tests {
    static let body = [UInt8]((0..<100).map { UInt8($0) })
    static let segment = PacketBuilder.tcp(sequenceNumber: 7, flags: [.ack], payload: body)

    static func packet(_ payload: [UInt8] = segment, options: [UInt8] = [], protocol ipProtocol: IPProtocol = .tcp)
        -> [UInt8]
    {
        PacketBuilder.ipv4(
            from: "192.0.2.1",
            to: "198.51.100.2",
            protocol: ipProtocol,
            options: options,
            payload: payload
        )
    }

    @Test(arguments: [
        [UInt8](), [0x94, 0x04, 0, 0], [0x01, 0x01, 0x07, 0x0B, 0x04, 192, 0, 2, 9, 0, 0, 0, 0, 0, 0, 0],
        [UInt8](repeating: 1, count: 40),
    ])
    func optionsAreSkippedByHeaderLength(options: [UInt8]) throws {
        let segment = try #require(decodeOnce(PacketBuilder.ethernet(Self.packet(options: options))).segment)
        #expect(segment.source.address == IPAddress("192.0.2.1"))
        #expect(segment.destination.address == IPAddress("198.51.100.2"))
        #expect(Array(buffer: segment.payload) == Self.body)
    }

    @Test func snapshotLengthCutKeepsTheDeclaredPayloadLength() throws {
        let frame = Array(PacketBuilder.ethernet(Self.packet()).prefix(14 + 20 + 20 + 10))
        let segment = try #require(decodeOnce(frame).segment)
        #expect(segment.payload.readableBytes == 10)
        #expect(segment.payloadLength == 100)
        #expect(segment.isPayloadTruncated)
        #expect(Array(buffer: segment.payload) == Array(Self.body.prefix(10)))
    }

    @Test func ethernetPaddingAndTrailersAreDropped() throws {
        let small = Self.packet(PacketBuilder.tcp(payload: [0x41, 0x42]))
        let padded = try #require(decodeOnce(PacketBuilder.ethernet(small, padToMinimum: true)).segment)
        #expect(padded.payloadText == "AB")
        #expect(padded.payloadLength == 2)
        let trailer = try #require(decodeOnce(PacketBuilder.ethernet(small) + [0xDE, 0xAD, 0xBE, 0xEF]).segment)
        #expect(trailer.payloadText == "AB")
        let empty = try #require(
            decodeOnce(PacketBuilder.ethernet(Self.packet(PacketBuilder.tcp()), padToMinimum: true)).segment
        )
        #expect(empty.payload.readableBytes == 0)
        #expect(empty.payloadLength == 0)
    }

    @Test func zeroTotalLengthFromSegmentationOffloadMeansEverythingCaptured() throws {
        var packet = Self.packet()
        packet[2] = 0
        packet[3] = 0
        let segment = try #require(decodeOnce(packet, linkType: .raw).segment)
        #expect(segment.payloadLength == 100)
        #expect(Array(buffer: segment.payload) == Self.body)
    }

    @Test func otherProtocolsAreCounted() {
        #expect(decodeOnce(Self.packet([8, 0, 0, 0], protocol: .icmp), linkType: .raw).traffic == .icmp)
        #expect(
            decodeOnce(Self.packet([0, 0, 8, 0], protocol: IPProtocol(rawValue: 47)), linkType: .raw).traffic
                == .otherIPProtocol(IPProtocol(rawValue: 47))
        )
    }

    @Test func udpDecodesToADatagramBoundedByItsLengthField() throws {
        let datagram = try #require(decodeOnce(Self.packet(udpDatagram(Self.body), protocol: .udp), linkType: .raw).datagram)
        #expect(datagram.source.port == 5353)
        #expect(datagram.destination.port == 443)
        #expect(Array(buffer: datagram.payload) == Self.body)
        // Bytes after the UDP length (link padding) are not payload.
        let padded = Self.packet(udpDatagram([1, 2, 3]) + [0, 0, 0, 0], protocol: .udp)
        let short = try #require(decodeOnce(padded, linkType: .raw).datagram)
        #expect(Array(buffer: short.payload) == [1, 2, 3])
        #expect(short.payloadLength == 3)
    }

    @Test func aUDPLengthOutsideTheIPPayloadIsMalformed() throws {
        for length: UInt8 in [7, 120] {
            var udp = udpDatagram(Self.body)
            udp[4] = 0
            udp[5] = length
            let error = try #require(decodeOnce(Self.packet(udp, protocol: .udp), linkType: .raw).error)
            #expect(error.layer == .udp)
            #expect(error.problem == .udpLengthOutOfRange(udpLength: Int(length), ipPayloadLength: 108))
        }
    }

    @Test func fragmentsOfUDPAreReassembled() throws {
        var decoder = PacketDecoder()
        let fragments = PacketBuilder.ipv4Fragments(
            from: "192.0.2.1",
            to: "198.51.100.2",
            protocol: .udp,
            payload: udpDatagram(Self.body),
            fragmentSize: 40
        )
        var results: [DecodedPacket] = []
        for fragment in fragments {
            results.append(decoder.decode(ByteBuffer(bytes: fragment), linkType: .raw, timestamp: at(0)))
        }
        #expect(results.dropLast().allSatisfy { $0.isFragmentHeld })
        let datagram = try #require(results.last?.datagram)
        #expect(Array(buffer: datagram.payload) == Self.body)
    }

    @Test func fragmentsOfOtherProtocolsAreCountedWithoutBuffering() {
        var decoder = PacketDecoder()
        let fragments = PacketBuilder.ipv4Fragments(
            from: "192.0.2.1",
            to: "198.51.100.2",
            protocol: .icmp,
            payload: Self.body,
            fragmentSize: 40
        )
        for fragment in fragments {
            #expect(decoder.decode(ByteBuffer(bytes: fragment), linkType: .raw, timestamp: at(0)).traffic == .icmp)
        }
        #expect(decoder.datagramsUnderReassembly == 0)
    }

    /// Applies `change` to the IPv4 header of an Ethernet frame and returns the error at offset 14.
    static func malformedHeader(capture: Int? = nil, _ change: (inout [UInt8]) -> Void) throws -> PacketError {
        var frame = PacketBuilder.ethernet(packet())
        change(&frame)
        let error = try #require(decodeOnce(Array(frame.prefix(capture ?? frame.count))).error)
        #expect(error.layer == .ipv4)
        #expect(error.offset == 14)
        return error
    }

    @Test func malformedHeadersNameTheProblem() throws {
        #expect(try Self.malformedHeader { $0[14] = 0x65 }.problem == .wrongVersion(6))
        let shortHeader = try Self.malformedHeader { $0[14] = 0x44 }
        #expect(shortHeader.problem == .headerLengthBelowMinimum(words: 4, minimum: 5))
        #expect(shortHeader.description == "IPv4 header at offset 14: header length 4 words is below the minimum 5")
        #expect(
            try Self.malformedHeader {
                $0[16] = 0; $0[17] = 19
            }.problem == .totalLengthBelowHeader(totalLength: 19, headerLength: 20)
        )
        #expect(
            try Self.malformedHeader(capture: 14 + 40) { $0[14] = 0x4F }.problem == .truncated(needed: 60, captured: 40)
        )
        #expect(try Self.malformedHeader(capture: 14 + 12) { _ in }.problem == .truncated(needed: 20, captured: 12))
    }
}
