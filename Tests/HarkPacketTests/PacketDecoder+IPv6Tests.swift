import HarkCore
import HarkPacket
import HarkTestSupport
import NIOCore
import Testing

struct PacketDecoderIPv6Tests {
    static let body = [UInt8]((0..<200).map { UInt8(truncatingIfNeeded: $0 &* 7) })
    static let segment = PacketBuilder.tcp(sourcePort: 5555, destinationPort: 8080, sequenceNumber: 42, payload: body)

    static func packet(
        _ headers: [PacketBuilder.IPv6ExtensionHeader] = [],
        nextHeader: IPProtocol = .tcp,
        payload: [UInt8] = segment
    ) -> [UInt8] {
        PacketBuilder.ipv6(
            from: "fe80::1",
            to: "fe80::2",
            nextHeader: nextHeader,
            extensionHeaders: headers,
            payload: payload
        )
    }

    @Test func extensionHeaderChainIsWalked() throws {
        let chain: [PacketBuilder.IPv6ExtensionHeader] = [
            .hopByHop([5, 2, 0, 0]), .destinationOptions(), .routing(), .authentication(),
            .fragment(offset: 0, moreFragments: false, identification: 9),
            .destinationOptions([1, 12] + [UInt8](repeating: 0, count: 12)),
        ]
        let segment = try #require(decodeOnce(PacketBuilder.ethernet(Self.packet(chain), etherType: .ipv6)).segment)
        #expect(segment.source.address == IPAddress("fe80::1"))
        #expect(segment.destination == Endpoint(address: try #require(IPAddress("fe80::2")), port: 8080))
        #expect(segment.sequenceNumber == 42)
        #expect(Array(buffer: segment.payload) == Self.body)
        #expect(segment.payloadLength == Self.body.count)
    }

    @Test func headersThatEndTheWalkAreCounted() {
        let esp = Self.packet(
            [.hopByHop()],
            nextHeader: .encapsulatingSecurityPayload,
            payload: [0, 0, 1, 0, 0, 0, 0, 1]
        )
        #expect(decodeOnce(esp, linkType: .ipv6).traffic == .otherIPProtocol(.encapsulatingSecurityPayload))
        #expect(
            decodeOnce(Self.packet([.destinationOptions()], nextHeader: .noNextHeader, payload: []), linkType: .ipv6)
                .traffic
                == .otherIPProtocol(.noNextHeader)
        )
        #expect(
            decodeOnce(Self.packet(nextHeader: .udp, payload: udpDatagram([9])), linkType: .ipv6).datagram?.payloadLength
                == 1
        )
        #expect(
            decodeOnce(Self.packet(nextHeader: .icmpv6, payload: [128, 0, 0, 0]), linkType: .ipv6).traffic == .icmpv6
        )
    }

    @Test func paddingAndSnapshotCutsFollowThePayloadLength() throws {
        let padded = try #require(decodeOnce(Self.packet() + [0, 0, 0, 0], linkType: .raw).segment)
        #expect(Array(buffer: padded.payload) == Self.body)
        let cut = try #require(
            decodeOnce(Array(Self.packet([.hopByHop()]).prefix(40 + 8 + 20 + 50)), linkType: .raw).segment
        )
        #expect(cut.payload.readableBytes == 50)
        #expect(cut.payloadLength == 200)
    }

    @Test(arguments: [false, true])
    func fragmentsAreReassembled(reversed: Bool) throws {
        let fragmentable = PacketBuilder.ipv6ExtensionHeaderBytes([.destinationOptions()], then: .tcp) + Self.segment
        var fragments = PacketBuilder.ipv6Fragments(
            from: "fe80::1",
            to: "fe80::2",
            nextHeader: .destinationOptions,
            identification: 0xABCD_0001,
            payload: fragmentable,
            fragmentSize: 64
        )
        #expect(fragments.count == 4)
        if reversed { fragments.reverse() }
        var decoder = PacketDecoder()
        let results = fragments.map { decoder.decode(ByteBuffer(bytes: $0), linkType: .ipv6, timestamp: at(1)) }
        #expect(results.dropLast().allSatisfy { $0.isFragmentHeld })
        let segment = try #require(results.last?.segment)
        #expect(Array(buffer: segment.payload) == Self.body)
        #expect(segment.destination.port == 8080)
        #expect(decoder.bufferedFragmentBytes == 0)
    }

    @Test func fragmentsOfOtherProtocolsAreCountedWithoutBuffering() {
        var decoder = PacketDecoder()
        for fragment in PacketBuilder.ipv6Fragments(
            from: "fe80::1",
            to: "fe80::2",
            nextHeader: .icmpv6,
            payload: Self.body,
            fragmentSize: 80
        ) {
            #expect(decoder.decode(ByteBuffer(bytes: fragment), linkType: .ipv6, timestamp: at(0)).traffic == .icmpv6)
        }
        #expect(decoder.datagramsUnderReassembly == 0)
    }

    @Test func aFragmentHeaderInsideAReassembledDatagramIsMalformed() throws {
        let inner = PacketBuilder.ipv6ExtensionHeaderBytes(
            [.fragment(offset: 8, moreFragments: true, identification: 2)],
            then: .tcp
        )
        var decoder = PacketDecoder()
        let fragments = PacketBuilder.ipv6Fragments(
            from: "fe80::1",
            to: "fe80::2",
            nextHeader: .fragment,
            payload: inner + Self.segment,
            fragmentSize: 120
        )
        let results = fragments.map { decoder.decode(ByteBuffer(bytes: $0), linkType: .ipv6, timestamp: at(0)) }
        let error = try #require(results.last?.error)
        #expect(
            error
                == PacketError(
                    layer: .ipv6ExtensionHeader,
                    offset: 0,
                    problem: .nestedFragmentHeader,
                    isInReassembledDatagram: true
                )
        )
    }

    @Test func malformedHeadersNameTheProblem() throws {
        var version = Self.packet()
        version[0] = 0x45
        #expect(
            decodeOnce(PacketBuilder.ethernet(version, etherType: .ipv6)).error
                == PacketError(layer: .ipv6, offset: 14, problem: .wrongVersion(4))
        )
        #expect(
            decodeOnce(Array(Self.packet().prefix(39)), linkType: .ipv6).error
                == PacketError(layer: .ipv6, offset: 0, problem: .truncated(needed: 40, captured: 39))
        )

        // A destination options header claiming 16 bytes in a payload of 8.
        var long = Self.packet([.destinationOptions()], nextHeader: .noNextHeader, payload: [])
        long[41] = 1
        #expect(
            decodeOnce(long, linkType: .ipv6).error
                == PacketError(
                    layer: .ipv6ExtensionHeader,
                    offset: 40,
                    problem: .headerBeyondIPPayload(headerEnd: 16, payloadLength: 8)
                )
        )
        // The second header of the chain cut by the snapshot length.
        let cut = Array(Self.packet([.hopByHop(), .routing()]).prefix(40 + 8 + 5))
        #expect(
            decodeOnce(cut, linkType: .ipv6).error
                == PacketError(layer: .ipv6ExtensionHeader, offset: 48, problem: .truncated(needed: 8, captured: 5))
        )
        // A TCP header cut inside a reassembled-free packet keeps the TCP layer.
        #expect(
            decodeOnce(Array(Self.packet().prefix(50)), linkType: .ipv6).error
                == PacketError(layer: .tcp, offset: 40, problem: .truncated(needed: 20, captured: 10))
        )
    }
}
