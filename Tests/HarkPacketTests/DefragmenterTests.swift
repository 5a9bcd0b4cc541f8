import HarkCore
import HarkPacket
import HarkTestSupport
import NIOCore
import Testing

/// IP fragment reassembly, through the public decoder.
struct DefragmenterTests {
    static let body = [UInt8]((0..<300).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 5) })
    static let segment = PacketBuilder.tcp(sourcePort: 1025, destinationPort: 80, sequenceNumber: 77, payload: body)

    /// IPv4 fragments of the segment above (340 bytes in fragments of 96: four of them).
    static func fragments(identification: UInt16 = 0x1234, source: String = "10.0.0.1", size: Int = 96) -> [[UInt8]] {
        PacketBuilder.ipv4Fragments(
            from: source,
            to: "10.0.0.2",
            identification: identification,
            payload: segment,
            fragmentSize: size
        )
    }

    /// A single fragment, its payload given explicitly.
    static func fragment(offset: Int, more: Bool, _ payload: [UInt8], identification: UInt16 = 0x1234) -> [UInt8] {
        PacketBuilder.ipv4(
            from: "10.0.0.1",
            to: "10.0.0.2",
            identification: identification,
            moreFragments: more,
            fragmentOffset: offset,
            payload: payload
        )
    }

    static func decodeAll(_ frames: [[UInt8]], with decoder: inout PacketDecoder, at time: Timestamp = at(0))
        -> [DecodedPacket]
    {
        frames.map { decoder.decode(ByteBuffer(bytes: $0), linkType: .raw, timestamp: time) }
    }

    static func expectSegment(_ results: [DecodedPacket]) throws {
        let segments = results.compactMap(\.segment)
        #expect(segments.count == 1)
        let segment = try #require(segments.first)
        #expect(Array(buffer: segment.payload) == body)
        #expect(segment.payloadLength == body.count)
        #expect(segment.sequenceNumber == 77)
        #expect(segment.source.address == IPAddress("10.0.0.1"))
    }

    @Test(arguments: [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1], [0, 0, 1, 2, 1, 2, 3]])
    func fragmentsInAnyOrderWithDuplicatesMakeOneSegment(order: [Int]) throws {
        var decoder = PacketDecoder()
        let fragments = Self.fragments()
        #expect(fragments.count == 4)
        let results = Self.decodeAll(order.map { fragments[$0] }, with: &decoder)
        try Self.expectSegment(results)
        #expect(results.last?.segment != nil)
        #expect(results.dropLast().allSatisfy { $0.isFragmentHeld })
        #expect(decoder.datagramsUnderReassembly == 0)
        #expect(decoder.bufferedFragmentBytes == 0)
    }

    @Test func overlapsThatAgreeAreAccepted() throws {
        var decoder = PacketDecoder()
        let bytes = Self.segment
        let frames = [
            Self.fragment(offset: 0, more: true, Array(bytes[0..<160])),
            Self.fragment(offset: 80, more: true, Array(bytes[80..<240])),
            Self.fragment(offset: 232, more: false, Array(bytes[232...])),
        ]
        try Self.expectSegment(Self.decodeAll(frames, with: &decoder))
    }

    @Test func overlapsThatDisagreeDiscardTheDatagram() throws {
        var decoder = PacketDecoder()
        var fragments = Self.fragments()
        let forged = Self.fragment(offset: 96, more: true, [UInt8](repeating: 0x58, count: 96))
        let results = Self.decodeAll([fragments[0], fragments[1], forged], with: &decoder)
        let error = try #require(results.last?.error)
        #expect(
            error == PacketError(layer: .ipv4, offset: 0, problem: .fragmentOverlapConflict(offset: 96, length: 96))
        )
        #expect(decoder.datagramsUnderReassembly == 0)
        #expect(decoder.bufferedFragmentBytes == 0)
        fragments.removeFirst(2)
        #expect(Self.decodeAll(fragments, with: &decoder).allSatisfy { $0.isFragmentHeld })
    }

    @Test func contradictoryEndsDiscardTheDatagram() {
        var decoder = PacketDecoder()
        let results = Self.decodeAll(
            [
                Self.fragment(offset: 0, more: true, [UInt8](repeating: 1, count: 16)),
                Self.fragment(offset: 32, more: false, [UInt8](repeating: 2, count: 8)),
                Self.fragment(offset: 16, more: false, [UInt8](repeating: 3, count: 8)),
            ],
            with: &decoder
        )
        #expect(results[2].error?.problem == .fragmentEndConflict(lastFragmentEnd: 40, otherFragmentEnd: 24))
        let afterEnd = Self.decodeAll(
            [
                Self.fragment(offset: 8, more: false, [UInt8](repeating: 1, count: 8), identification: 3),
                Self.fragment(offset: 16, more: true, [UInt8](repeating: 1, count: 8), identification: 3),
            ],
            with: &decoder
        )
        #expect(afterEnd[1].error?.problem == .fragmentEndConflict(lastFragmentEnd: 16, otherFragmentEnd: 24))
    }

    @Test func fragmentsThatBreakTheRulesAreMalformed() {
        var decoder = PacketDecoder()
        let odd = Self.fragment(offset: 0, more: true, [UInt8](repeating: 1, count: 10))
        let huge = Self.fragment(offset: 65528, more: false, [UInt8](repeating: 1, count: 16))
        let empty = Self.fragment(offset: 8, more: true, [])
        let cut = Array(Self.fragments()[1].prefix(20 + 50))
        let results = Self.decodeAll([odd, huge, empty, cut], with: &decoder)
        #expect(
            results.map { $0.error?.problem } == [
                .fragmentLengthNotMultipleOfEight(10), .fragmentBeyondMaximumSize(end: 65544, maximum: 65535),
                .emptyFragment, .fragmentTruncated(declared: 96, captured: 50),
            ]
        )
        #expect(decoder.datagramsUnderReassembly == 0)
    }

    @Test func datagramsThatWaitTooLongAreDroppedAndReported() throws {
        var decoder = PacketDecoder(limits: FragmentLimits(timeout: .seconds(30)))
        let fragments = Self.fragments()
        #expect(decoder.decode(ByteBuffer(bytes: fragments[0]), linkType: .raw, timestamp: at(100)).isFragmentHeld)
        #expect(decoder.decode(ByteBuffer(bytes: fragments[1]), linkType: .raw, timestamp: at(129)).isFragmentHeld)
        #expect(!decoder.hasDroppedDatagrams)
        let unrelated = PacketBuilder.ipv4(from: "10.9.9.9", to: "10.0.0.2", payload: PacketBuilder.tcp())
        #expect(decoder.decode(ByteBuffer(bytes: unrelated), linkType: .raw, timestamp: at(130)).segment != nil)
        #expect(decoder.hasDroppedDatagrams)
        let dropped = decoder.takeDroppedDatagrams()
        #expect(
            dropped == [
                DroppedDatagram(
                    source: try #require(IPAddress("10.0.0.1")),
                    destination: try #require(IPAddress("10.0.0.2")),
                    identification: 0x1234,
                    fragmentsReceived: 2,
                    bytesReceived: 192,
                    firstFragmentTime: at(100),
                    reason: .timedOut
                )
            ]
        )
        #expect(
            dropped.first?.description == "IP datagram 10.0.0.1 → 10.0.0.2 id 0x1234 dropped after 2 fragments "
                + "(192 bytes): the rest did not arrive within the reassembly timeout"
        )
        #expect(!decoder.hasDroppedDatagrams)
        // The late fragments start a new datagram that can no longer complete.
        #expect(Self.decodeAll(Array(fragments[2...]), with: &decoder, at: at(131)).allSatisfy { $0.isFragmentHeld })
        #expect(decoder.finish().map(\.reason) == [.endOfCapture])
        #expect(decoder.bufferedFragmentBytes == 0)
    }

    @Test func theOldestDatagramMakesRoomForANewOne() throws {
        var decoder = PacketDecoder(limits: FragmentLimits(maximumDatagrams: 2))
        let first = Self.fragments(identification: 1)
        let second = Self.fragments(identification: 2)
        let third = Self.fragments(identification: 3)
        _ = decoder.decode(ByteBuffer(bytes: first[0]), linkType: .raw, timestamp: at(1))
        _ = decoder.decode(ByteBuffer(bytes: second[0]), linkType: .raw, timestamp: at(2))
        _ = decoder.decode(ByteBuffer(bytes: third[0]), linkType: .raw, timestamp: at(3))
        #expect(decoder.takeDroppedDatagrams().map { [$0.identification: $0.reason] } == [[1: .tooManyDatagrams]])
        try Self.expectSegment(Self.decodeAll(Array(second.dropFirst()), with: &decoder, at: at(4)))
        try Self.expectSegment(Self.decodeAll(Array(third.dropFirst()), with: &decoder, at: at(4)))
    }

    @Test func theBufferLimitEvictsOldDatagramsAndRefusesOversizedOnes() {
        var decoder = PacketDecoder(limits: FragmentLimits(maximumBufferedBytes: 250))
        let first = Self.fragments(identification: 1)
        let second = Self.fragments(identification: 2)
        _ = Self.decodeAll(Array(first.prefix(2)), with: &decoder, at: at(1))
        #expect(decoder.bufferedFragmentBytes == 192)
        _ = Self.decodeAll([second[0]], with: &decoder, at: at(2))
        #expect(decoder.takeDroppedDatagrams().map(\.reason) == [.bufferFull])
        #expect(decoder.bufferedFragmentBytes == 96)
        let results = Self.decodeAll(Array(second[1...2]), with: &decoder, at: at(3))
        #expect(results.last?.error?.problem == .fragmentBufferLimit(limit: 250))
        #expect(decoder.bufferedFragmentBytes == 0)
    }

    @Test func aDatagramInTooManyPiecesIsRefused() {
        var decoder = PacketDecoder(limits: FragmentLimits(maximumFragmentsPerDatagram: 3))
        let results = Self.decodeAll(Self.fragments(), with: &decoder)
        #expect(results.last?.error?.problem == .tooManyFragments(limit: 3))
    }

    @Test func aBrokenTCPHeaderInAReassembledDatagramSaysSo() throws {
        var broken = Self.segment
        broken[12] = 0x30
        var decoder = PacketDecoder()
        let fragments = PacketBuilder.ipv4Fragments(
            from: "10.0.0.1",
            to: "10.0.0.2",
            payload: broken,
            fragmentSize: 200
        )
        let error = try #require(Self.decodeAll(fragments, with: &decoder).last?.error)
        #expect(error.isInReassembledDatagram)
        #expect(
            error.description
                == "TCP header at offset 0 of a reassembled datagram: header length 3 words is below the minimum 5"
        )
    }
}
