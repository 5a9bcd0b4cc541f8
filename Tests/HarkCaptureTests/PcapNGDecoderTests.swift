import HarkCapture
import HarkCore
import HarkTestSupport
import NIOCore
import Testing

struct PcapNGDecoderTests {
    private static let keyLog = Array("CLIENT_RANDOM 0102 0304\n".utf8)

    @Test(arguments: [false, true])
    func readsSectionsInterfacesAndEveryPacketBlock(bigEndian: Bool) throws {
        var file = PcapNGBuilder(bigEndian: bigEndian)
        file.interface(linkType: 1, timestampResolution: 9)  // nanoseconds
        file.interface(linkType: 113, timestampResolution: 0x94)  // 2^-20 seconds
        let epb = file.enhancedPacket(interface: 0, ticks: 1_700_000_000_123_456_789, data: [1, 2, 3, 4, 5])
        file.block(type: 0x0BAD, body: [0, 0, 0x7E, 0x6C, 9, 9, 9, 9])  // custom block
        file.block(type: 0x1234_5678, body: [1, 2, 3, 4])  // unknown type
        file.enhancedPacket(interface: 1, ticks: 1_700_000_001 << 20 | 1 << 19, data: [6], originalLength: 1_500)
        let dsb = file.decryptionSecrets(type: 0x544C_534B, data: Self.keyLog)
        file.simplePacket(data: [7, 8, 9])
        file.obsoletePacket(interface: 1, ticks: 1_700_000_002 << 20, data: [10, 11])
        file.section(bigEndian: !bigEndian)
        file.interface(linkType: 101, timestampOffset: 100)  // microseconds, 100 s later
        file.enhancedPacket(interface: 0, ticks: 5_000_001, data: [12])

        let reader = try CaptureReader(bytes: ByteBuffer(bytes: file.bytes), name: "t.pcapng")
        #expect(reader.format == .pcapng)
        let result = ReadResult(reader)
        #expect(result.diagnostics.isEmpty)
        #expect(result.frames.map(\.number) == [1, 2, 3, 4, 5])
        #expect(result.payloads == [[1, 2, 3, 4, 5], [6], [7, 8, 9], [10, 11], [12]])
        #expect(result.frames.map(\.linkType) == [.ethernet, .linuxSLL, .ethernet, .linuxSLL, .raw])
        #expect(result.frames.map(\.interfaceIndex) == [0, 1, 0, 1, 0])
        #expect(result.frames.map(\.timestamp.nanoseconds) == [
            1_700_000_000_123_456_789,
            1_700_000_001_500_000_000,
            1_700_000_001_500_000_000,  // a simple packet block takes the previous packet's time
            1_700_000_002_000_000_000,
            105_000_001_000,
        ])
        #expect(result.frames.map(\.isTruncated) == [false, true, false, false, false])
        #expect(result.frames.first?.fileOffset == Int64(epb))

        let secrets = try #require(result.secrets.first)
        #expect(result.secrets.count == 1)
        #expect(secrets.type == .tlsKeyLog)
        #expect(Array(secrets.data.readableBytesView) == Self.keyLog)
        #expect(secrets.fileOffset == Int64(dsb))
    }

    @Test func simplePacketsAreCutToSnapLengthAndBlockRoom() throws {
        var file = PcapNGBuilder()
        file.interface(linkType: 1, snapLength: 4)
        file.simplePacket(data: [1, 2, 3, 4], originalLength: 60)
        file.simplePacket(data: [1, 2, 3])  // padded to 4 bytes in the block
        let frames = try ReadResult(bytes: file.bytes).frames
        #expect(frames.map(\.data.readableBytes) == [4, 3])
        #expect(frames.map(\.isTruncated) == [true, false])
    }

    @Test func resynchronisesAfterABlockWithAnImpossibleLength() throws {
        var file = PcapNGBuilder()
        file.interface(linkType: 1)
        file.enhancedPacket(interface: 0, ticks: 1, data: [1])
        let damaged = file.enhancedPacket(interface: 0, ticks: 2, data: [2, 2, 2, 2, 2, 2])
        file.enhancedPacket(interface: 0, ticks: 3, data: [3])
        file.bytes.replaceSubrange(damaged + 4..<damaged + 8, with: [0x01, 0x10, 0, 0])  // 4097

        let result = try ReadResult(bytes: file.bytes)
        #expect(result.payloads == [[1], [3]])
        #expect(result.frames.map(\.number) == [1, 3])
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.packetNumber == 2)
        #expect(diagnostic.byteOffset == Int64(damaged))
        #expect(diagnostic.message.hasPrefix("enhanced packet block has an impossible length 4097"))
        #expect(diagnostic.message.hasSuffix("skipped 40 bytes to the next plausible block"))
    }

    // Issue #16 hole 5: 3 MiB of garbage after a block with a broken length. The search for the next
    // block says it is under way once it passes 1 MiB, then reports how much it skipped
    // (Scripts/bench-hostile times it: linear, as fast as reading a normal file).
    @Test func aLongSearchThroughGarbageIsAnnouncedAndThenReported() throws {
        var file = PcapNGBuilder()
        file.interface(linkType: 1)
        let damaged = file.enhancedPacket(interface: 0, ticks: 1, data: [1])
        file.bytes.replaceSubrange(damaged + 4..<damaged + 8, with: [0x02, 0, 0, 0x80])
        file.bytes += [UInt8](repeating: 0x41, count: 3 << 20)
        file.enhancedPacket(interface: 0, ticks: 2, data: [2])

        let result = try ReadResult(bytes: file.bytes)
        #expect(result.payloads == [[2]])
        #expect(result.diagnostics.count == 2)
        #expect(result.diagnostics.first?.message.hasSuffix("searching for the next plausible block…") == true)
        #expect(result.diagnostics.last?.message.hasSuffix("skipped \((3 << 20) + 36) bytes to the next plausible block") == true)
    }

    // Issue #16 hole 5: a Decryption Secrets Block over the 16 MiB block limit is reported as such.
    @Test func aDecryptionSecretsBlockOverTheLimitSaysItsSecretsAreNotRead() throws {
        var file = PcapNGBuilder()
        file.interface(linkType: 1)
        let dsb = file.decryptionSecrets(type: 0x544C_534B, data: Self.keyLog)
        file.bytes.replaceSubrange(dsb + 4..<dsb + 8, with: [0, 0, 0x40, 0x01])  // 20 MiB, little-endian
        file.enhancedPacket(interface: 0, ticks: 2, data: [2])

        let result = try ReadResult(bytes: file.bytes)
        #expect(result.payloads == [[2]])
        #expect(result.secrets.isEmpty)
        #expect(result.diagnostics.first?.message.hasPrefix(
            "decryption secrets block of 20971520 bytes exceeds the 16 MiB block limit; its secrets are not read"
        ) == true)
    }

    @Test func resynchronisesAfterATrailerMismatch() throws {
        var file = PcapNGBuilder(bigEndian: true)
        file.interface(linkType: 1)
        let damaged = file.enhancedPacket(interface: 0, ticks: 1, data: [1, 1, 1])
        file.enhancedPacket(interface: 0, ticks: 2, data: [2])
        file.bytes[damaged + 35] ^= 0x04  // the trailer's low byte

        let result = try ReadResult(bytes: file.bytes)
        #expect(result.payloads == [[2]])
        #expect(result.diagnostics.map(\.message) == [
            "enhanced packet block length 36 does not match its trailer 32; "
                + "skipped 36 bytes to the next plausible block"
        ])
    }

    @Test func skipsPacketBlocksWhoseFieldsLie() throws {
        var file = PcapNGBuilder()
        file.interface(linkType: 1)
        let tooLong = file.enhancedPacket(interface: 0, ticks: 1, data: [1, 1, 1, 1])
        file.bytes[tooLong + 20] = 200  // captured length 200 in a block with room for 4
        let unknownInterface = file.enhancedPacket(interface: 3, ticks: 2, data: [2])
        file.enhancedPacket(interface: 0, ticks: 3, data: [3])

        let result = try ReadResult(bytes: file.bytes)
        #expect(result.payloads == [[3]])
        #expect(result.frames.map(\.number) == [3])
        #expect(result.diagnostics.map(\.packetNumber) == [1, 2])
        #expect(result.diagnostics.map(\.byteOffset) == [Int64(tooLong), Int64(unknownInterface)])
        #expect(result.diagnostics.map(\.message) == [
            "enhanced packet block is corrupt: captured length 200 exceeds the 4 bytes it holds; skipped it",
            "packet refers to interface 3, but the section describes 1; skipped it",
        ])
    }

    @Test func reportsLyingSecretsLengthAndBadInterfaceOptions() throws {
        var file = PcapNGBuilder()
        file.interface(linkType: 1, timestampResolution: 0x50)  // 10^-80: out of range
        file.enhancedPacket(interface: 0, ticks: 2_000_000, data: [1])
        let dsb = file.decryptionSecrets(type: 0x544C_534B, data: [1, 2, 3, 4])
        file.bytes[dsb + 12] = 99  // secrets length 99 in a block holding 4

        let result = try ReadResult(bytes: file.bytes)
        #expect(result.frames.map(\.timestamp.nanoseconds) == [2_000_000_000])  // microseconds assumed
        #expect(result.secrets.isEmpty)
        #expect(result.diagnostics.map(\.message) == [
            "interface 0: if_tsresol 0x50 is out of range; using microseconds",
            "decryption secrets block is corrupt: secrets length 99 exceeds the 4 bytes it holds; skipped it",
        ])
    }

    @Test func reportsAFileEndingInsideABlock() throws {
        var file = PcapNGBuilder()
        file.interface(linkType: 1)
        file.enhancedPacket(interface: 0, ticks: 1, data: [1])
        let last = file.enhancedPacket(interface: 0, ticks: 2, data: Array(repeating: 2, count: 100))
        file.bytes.removeLast(30)

        let result = try ReadResult(bytes: file.bytes)
        #expect(result.payloads == [[1]])
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.packetNumber == 2)
        #expect(diagnostic.byteOffset == Int64(last))
        #expect(diagnostic.message == "file ends inside packet 2: 102 of 132 bytes of its enhanced packet block")
    }

    @Test func aNewSectionForgetsTheInterfacesBeforeIt() throws {
        var file = PcapNGBuilder()
        file.interface(linkType: 1)
        file.interface(linkType: 113)
        file.section(bigEndian: false)
        file.interface(linkType: 101)
        file.enhancedPacket(interface: 1, ticks: 1, data: [1])
        file.enhancedPacket(interface: 0, ticks: 1, data: [2])

        let result = try ReadResult(bytes: file.bytes)
        #expect(result.frames.map(\.linkType) == [.raw])
        #expect(result.diagnostics.map(\.message) == [
            "packet refers to interface 1, but the section describes 1; skipped it"
        ])
    }
}
