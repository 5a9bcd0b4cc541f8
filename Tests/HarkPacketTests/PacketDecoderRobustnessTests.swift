import HarkCore
import HarkPacket
import HarkTestSupport
import NIOCore
import Testing


/// Hostile input never traps, and whatever comes out stays within what went in.
struct PacketDecoderRobustnessTests {
    static let linkTypes: [LinkType] = [
        .ethernet, .linuxSLL, .linuxSLL2, .null, .loop, .raw, .ipv4, .ipv6, LinkType(rawValue: 12),
        LinkType(rawValue: 14), LinkType(rawValue: 105),
    ]
    static let limits = FragmentLimits(
        maximumDatagrams: 8,
        maximumFragmentsPerDatagram: 16,
        maximumBufferedBytes: 3000,
        timeout: .seconds(2)
    )

    /// Valid frames for a link type: IPv4 and IPv6 TCP with options, extension headers, fragments, and
    /// PPPoE in QinQ for Ethernet.
    static func frames(for linkType: LinkType) -> [[UInt8]] {
        let segment = PacketBuilder.tcp(
            options: [
                .maximumSegmentSize(1460), .sackPermitted, .timestamp(value: 1, echoReply: 2), .windowScale(3),
                .sack([SACKBlock(left: 1, right: 2)]),
            ],
            payload: Array("POST /upload HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello".utf8)
        )
        var packets = [
            PacketBuilder.ipv4(from: "10.0.0.1", to: "10.0.0.2", options: [0x94, 4, 0, 0], payload: segment),
            PacketBuilder.ipv6(
                from: "2001:db8::1",
                to: "2001:db8::2",
                extensionHeaders: [.hopByHop(), .routing(), .authentication(), .destinationOptions()],
                payload: segment
            ),
        ]
        packets += PacketBuilder.ipv4Fragments(
            from: "10.0.0.1",
            to: "10.0.0.2",
            identification: 5,
            payload: segment,
            fragmentSize: 32
        )
        packets += PacketBuilder.ipv6Fragments(
            from: "2001:db8::1",
            to: "2001:db8::2",
            identification: 6,
            payload: segment,
            fragmentSize: 48
        )
        var frames = packets.map { PacketBuilder.frame($0, linkType: linkType) }
        if linkType == .ethernet {
            frames.append(
                PacketBuilder.ethernet(
                    PacketBuilder.pppoeSession(packets[0]),
                    etherType: .pppoeSession,
                    vlanTags: [.service(1), .customer(2)]
                )
            )
        }
        return frames
    }

    static func expectSane(_ result: DecodedPacket, frameLength: Int, decoder: PacketDecoder) {
        switch result {
        case .tcp(let segment):
            #expect(segment.payload.readableBytes <= segment.payloadLength)
            #expect(segment.payloadLength <= limits.maximumDatagramSize)
        case .udp(let datagram):
            #expect(datagram.payload.readableBytes <= datagram.payloadLength)
            #expect(datagram.payloadLength <= limits.maximumDatagramSize)
        case .malformed(let error):
            #expect(error.offset >= 0)
            #expect(error.isInReassembledDatagram || error.offset <= frameLength)
            #expect(!error.description.isEmpty)
        case .other, .fragmentHeld:
            break
        }
        #expect(decoder.bufferedFragmentBytes <= limits.maximumBufferedBytes)
        #expect(decoder.datagramsUnderReassembly <= limits.maximumDatagrams)
    }

    @Test(arguments: linkTypes)
    func randomBytesNeverTrap(linkType: LinkType) {
        var random = SplitMix64(seed: UInt64(linkType.rawValue))
        var decoder = PacketDecoder(limits: Self.limits)
        for index in 0..<3000 {
            let frame = (0..<Int.random(in: 0..<160, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            let result = decoder.decode(ByteBuffer(bytes: frame), linkType: linkType, timestamp: at(Int64(index / 100)))
            Self.expectSane(result, frameLength: frame.count, decoder: decoder)
        }
    }

    @Test(arguments: linkTypes)
    func flippedBitsAndTruncationsNeverTrap(linkType: LinkType) {
        var random = SplitMix64(seed: 0xC0FFEE &+ UInt64(linkType.rawValue))
        var decoder = PacketDecoder(limits: Self.limits)
        var time: Int64 = 0
        func decode(_ frame: [UInt8]) {
            time += Int64.random(in: 0..<300_000_000, using: &random)
            let result = decoder.decode(
                ByteBuffer(bytes: frame),
                linkType: linkType,
                timestamp: Timestamp(nanoseconds: time)
            )
            Self.expectSane(result, frameLength: frame.count, decoder: decoder)
        }
        for frame in Self.frames(for: linkType) {
            for length in 0...frame.count { decode(Array(frame.prefix(length))) }
            for _ in 0..<400 {
                var mutated = frame
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    let bit = Int.random(in: 0..<(frame.count * 8), using: &random)
                    mutated[bit / 8] ^= 1 << (bit % 8)
                }
                decode(mutated)
                decode(frame)
            }
        }
        _ = decoder.finish()
        #expect(decoder.bufferedFragmentBytes == 0)
    }
}
