import HarkCore
import HarkPacket
import HarkTestSupport
import NIOCore
import Testing

struct PacketDecoderLinkTests {
    static let request = Array("GET / HTTP/1.1\r\n\r\n".utf8)
    static let segment = PacketBuilder.tcp(
        sourcePort: 40000,
        destinationPort: 80,
        sequenceNumber: 1000,
        flags: [.psh, .ack],
        payload: request
    )
    static let ipv4Packet = PacketBuilder.ipv4(from: "10.0.0.1", to: "10.0.0.2", payload: segment)
    static let ipv6Packet = PacketBuilder.ipv6(from: "2001:db8::1", to: "2001:db8::2", payload: segment)

    /// Checks that `result` is the request segment built above, from the given source address.
    static func expectRequest(_ result: DecodedPacket, from source: String) throws {
        let segment = try #require(result.segment, "\(result)")
        #expect(segment.source == Endpoint(address: try #require(IPAddress(source)), port: 40000))
        #expect(segment.destination.port == 80)
        #expect(segment.sequenceNumber == 1000)
        #expect(segment.flags == [.psh, .ack])
        #expect(segment.payloadText == "GET / HTTP/1.1\r\n\r\n")
        #expect(segment.payloadLength == request.count)
    }

    @Test(arguments: [
        LinkType.ethernet, .linuxSLL, .linuxSLL2, .null, .loop, .raw, .ipv4, LinkType(rawValue: 12),
        LinkType(rawValue: 14),
    ])
    func everyLinkTypeCarriesIPv4(linkType: LinkType) throws {
        try Self.expectRequest(
            decodeOnce(PacketBuilder.frame(Self.ipv4Packet, linkType: linkType), linkType: linkType),
            from: "10.0.0.1"
        )
    }

    @Test(arguments: [
        LinkType.ethernet, .linuxSLL, .linuxSLL2, .null, .loop, .raw, .ipv6, LinkType(rawValue: 12),
        LinkType(rawValue: 14),
    ])
    func everyLinkTypeCarriesIPv6(linkType: LinkType) throws {
        try Self.expectRequest(
            decodeOnce(PacketBuilder.frame(Self.ipv6Packet, linkType: linkType), linkType: linkType),
            from: "2001:db8::1"
        )
    }

    @Test(arguments: [(UInt32(2), false), (2, true), (10, false), (24, false), (28, true), (30, false)])
    func nullAcceptsEitherByteOrderAndEveryInet6Family(family: UInt32, bigEndian: Bool) throws {
        let packet = family == 2 ? Self.ipv4Packet : Self.ipv6Packet
        let frame = PacketBuilder.loopback(packet, family: family, bigEndian: bigEndian)
        try Self.expectRequest(decodeOnce(frame, linkType: .null), from: family == 2 ? "10.0.0.1" : "2001:db8::1")
    }

    @Test func loopbackFamilyThatIsNotIPIsCounted() {
        #expect(
            decodeOnce(PacketBuilder.loopback([1, 2, 3], family: 7), linkType: .null).traffic == .nonIPAddressFamily(7)
        )
        #expect(
            decodeOnce(PacketBuilder.loopback([], family: 2, bigEndian: false), linkType: .loop).traffic
                == .nonIPAddressFamily(0x0200_0000)
        )
    }

    @Test(arguments: [
        [PacketBuilder.VLANTag.customer(100)],
        [.service(10), .customer(20)],
        [.init(protocolIdentifier: .legacyQinQ, identifier: 10), .customer(20)],
        [.service(1), .service(2), .customer(3)],
    ])
    func vlanTagsAreSkipped(tags: [PacketBuilder.VLANTag]) throws {
        try Self.expectRequest(decodeOnce(PacketBuilder.ethernet(Self.ipv4Packet, vlanTags: tags)), from: "10.0.0.1")
        let v6 = PacketBuilder.ethernet(Self.ipv6Packet, etherType: .ipv6, vlanTags: tags)
        try Self.expectRequest(decodeOnce(v6), from: "2001:db8::1")
    }

    @Test func pppoeInsideQinQCarriesIPv4AndIPv6() throws {
        let tags: [PacketBuilder.VLANTag] = [.customer(1), .customer(2)]
        let v4 = PacketBuilder.ethernet(
            PacketBuilder.pppoeSession(Self.ipv4Packet),
            etherType: .pppoeSession,
            vlanTags: tags
        )
        try Self.expectRequest(decodeOnce(v4), from: "10.0.0.1")
        let v6 = PacketBuilder.ethernet(
            PacketBuilder.pppoeSession(Self.ipv6Packet, pppProtocol: .ipv6),
            etherType: .pppoeSession
        )
        try Self.expectRequest(decodeOnce(v6), from: "2001:db8::1")
    }

    @Test func pppoeWithCompressedProtocolField() throws {
        // RFC 1661 §6.5: 0x21 alone stands for 0x0021.
        let pppoe: [UInt8] = [0x11, 0, 0, 1, 0, UInt8(Self.ipv4Packet.count + 1), 0x21] + Self.ipv4Packet
        try Self.expectRequest(decodeOnce(PacketBuilder.ethernet(pppoe, etherType: .pppoeSession)), from: "10.0.0.1")
    }

    @Test func pppoeControlTrafficIsCountedAndBadHeadersAreMalformed() throws {
        let lcp = PacketBuilder.ethernet(
            PacketBuilder.pppoeSession([1, 1, 0, 4], pppProtocol: .linkControl),
            etherType: .pppoeSession
        )
        #expect(decodeOnce(lcp).traffic == .nonIPPPPProtocol(.linkControl))

        var discoveryCode = PacketBuilder.ethernet(
            PacketBuilder.pppoeSession(Self.ipv4Packet),
            etherType: .pppoeSession,
            vlanTags: [.customer(1)]
        )
        discoveryCode[19] = 0x09
        let error = try #require(decodeOnce(discoveryCode).error)
        #expect(error.layer == .pppoe)
        #expect(error.offset == 18)
        #expect(error.problem == .unexpectedPPPoEHeader(versionAndType: 0x11, code: 9))
        let empty = PacketBuilder.ethernet(PacketBuilder.pppoeSession([]), etherType: .pppoeSession)
        #expect(
            decodeOnce(empty).error
                == PacketError(layer: .ipv4, offset: 22, problem: .truncated(needed: 20, captured: 0))
        )
    }

    @Test func nonIPFramesAreCountedNotMalformed() {
        #expect(decodeOnce(PacketBuilder.ethernet([0, 1, 8, 0, 6, 4, 0, 1], etherType: .arp)).traffic == .arp)
        #expect(
            decodeOnce(PacketBuilder.ethernet([0x42, 0x42, 0x03], etherType: EtherType(rawValue: 0x0026))).traffic
                == .llc
        )
        #expect(
            decodeOnce(
                PacketBuilder.ethernet(
                    [0x42, 0x42, 0x03],
                    etherType: EtherType(rawValue: 0x0026),
                    vlanTags: [.customer(5)]
                )
            ).traffic == .llc
        )
        #expect(
            decodeOnce(PacketBuilder.ethernet([1, 2], etherType: EtherType(rawValue: 0x88CC))).traffic
                == .nonIPEtherType(EtherType(rawValue: 0x88CC))
        )
        #expect(
            decodeOnce(PacketBuilder.linuxSLL([0xAA], protocol: EtherType(rawValue: 0x0004)), linkType: .linuxSLL)
                .traffic
                == .nonIPEtherType(EtherType(rawValue: 0x0004))
        )
        #expect(
            decodeOnce(Self.ipv4Packet, linkType: LinkType(rawValue: 105)).traffic
                == .unsupportedLinkType(LinkType(rawValue: 105))
        )
    }

    @Test(arguments: [
        (LinkType.ethernet, 10, PacketError.Layer.ethernet, 0, 14),
        (.linuxSLL, 15, .linuxSLL, 0, 16),
        (.linuxSLL2, 19, .linuxSLL2, 0, 20),
        (.null, 3, .loopback, 0, 4),
        (.loop, 0, .loopback, 0, 4),
        (.raw, 0, .rawIP, 0, 1),
    ])
    func truncatedLinkHeadersAreMalformed(
        linkType: LinkType,
        length: Int,
        layer: PacketError.Layer,
        offset: Int,
        needed: Int
    ) throws {
        let frame = Array(PacketBuilder.frame(Self.ipv4Packet, linkType: linkType).prefix(length))
        let error = try #require(decodeOnce(frame, linkType: linkType).error)
        #expect(
            error == PacketError(layer: layer, offset: offset, problem: .truncated(needed: needed, captured: length))
        )
    }

    @Test func truncatedVLANTagAndRawVersionAreMalformed() throws {
        let tagged = Array(PacketBuilder.ethernet(Self.ipv4Packet, vlanTags: [.service(1), .customer(2)]).prefix(20))
        #expect(
            decodeOnce(tagged).error
                == PacketError(layer: .vlan, offset: 18, problem: .truncated(needed: 4, captured: 2))
        )

        var raw = Self.ipv4Packet
        raw[0] = 0x55
        let error = try #require(decodeOnce(raw, linkType: .raw).error)
        #expect(error.description == "raw IP header at offset 0: version 5 is neither 4 nor 6")
    }
}
