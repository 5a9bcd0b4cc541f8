import HarkCore
import HarkTLS
import NIOCore
import Testing

@testable import HarkQUIC

/// Lying lengths, absurd offsets and garbage: diagnostics and bounded memory, never a trap.
@Suite struct QUICHostileInputTests {
    @Test func varintsAreReadAtEveryLengthAndNeverPastTheEnd() {
        var reader = QUICReader([0x25, 0x7B, 0xBD, 0x9D, 0x7F, 0x3E, 0x7D, 0xC2, 0x19, 0x7C, 0x5E, 0xFF, 0x14, 0xE8, 0x8C])
        #expect(reader.readVarint() == 37)
        #expect(reader.readVarint() == 15_293)
        #expect(reader.readVarint() == 494_878_333)
        #expect(reader.readVarint() == 151_288_809_941_952_652)
        #expect(reader.readVarint() == nil)
        var short = QUICReader([0xC2, 0x19])
        #expect(short.readVarint() == nil)
        #expect(short.index == 0)
    }

    @Test func framesThatLieAboutTheirLengthStopParsingWithAReason() {
        // STREAM with LEN: 0x0a, id 4, length 1000, but 3 bytes follow.
        let lying = QUICFrameParser.parse([0x01, 0x0A, 0x04, 0x43, 0xE8, 1, 2, 3])
        #expect(lying.frames == [.ping])
        #expect(lying.error?.contains("0xa") == true)
        // CRYPTO at an offset beyond 2^62 - length.
        let absurd = QUICFrameParser.parse([0x06, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00])
        #expect(absurd.frames.isEmpty)
        #expect(absurd.error != nil)
        // An ACK whose range count exceeds what the packet can hold.
        let ack = QUICFrameParser.parse([0x02, 0x05, 0x00, 0x80, 0xFF, 0xFF, 0xFF, 0x00])
        #expect(ack.frames.isEmpty)
        #expect(ack.error != nil)
        #expect(QUICFrameParser.parse([0x40]).error != nil)
        #expect(QUICFrameParser.parse([0x1F]).error?.contains("unknown") == true)
    }

    @Test func streamDataIsReorderedAndRetransmissionsDeliveredOnce() {
        var assembler = QUICStreamAssembler(maxBufferedBytes: 100, maxOffsetAhead: 1_000)
        #expect(assembler.add(offset: 3, data: [4, 5, 6][...], fin: true, packet: 7).pieces.isEmpty)
        // Held data comes out with the number of the packet it came in.
        #expect(
            assembler.add(offset: 0, data: [1, 2, 3, 4][...], fin: false, packet: 9).pieces == [.data([1, 2, 3, 4], packet: 9), .data([5, 6], packet: 7)])
        #expect(assembler.isComplete)
        #expect(assembler.add(offset: 0, data: [1, 2][...], fin: false, packet: 10).pieces.isEmpty)
    }

    @Test func aHoleTooLongToWaitForBecomesAGap() {
        var assembler = QUICStreamAssembler(maxBufferedBytes: 10, maxOffsetAhead: 1_000)
        #expect(assembler.add(offset: 5, data: ArraySlice(repeating: 1, count: 8), fin: false, packet: 1).pieces.isEmpty)
        let pieces = assembler.add(offset: 13, data: ArraySlice(repeating: 2, count: 4), fin: false, packet: 2).pieces
        #expect(pieces == [.gap(5), .data(ArraySlice(repeating: 1, count: 8), packet: 1), .data(ArraySlice(repeating: 2, count: 4), packet: 2)])
        #expect(assembler.bufferedBytes == 0)
    }

    @Test func anAbsurdOffsetIsDroppedWithAProblem() {
        var assembler = QUICStreamAssembler(maxBufferedBytes: 10, maxOffsetAhead: 1_000)
        let (pieces, problem) = assembler.add(offset: 1 << 40, data: [1][...], fin: false, packet: 1)
        #expect(pieces.isEmpty)
        #expect(problem?.contains("dropped") == true)
        #expect(assembler.bufferedBytes == 0)
        #expect(assembler.add(offset: 0, data: [1, 2][...], fin: true, packet: 2).problem == nil)
        #expect(assembler.add(offset: 0, data: [1, 2, 3][...], fin: true, packet: 3).problem?.contains("final size") == true)
    }

    @Test func givingUpHolesDeliversWhatWaitsButNotTheUnsentRest() {
        var assembler = QUICStreamAssembler(maxBufferedBytes: 100, maxOffsetAhead: 1_000)
        _ = assembler.add(offset: 4, data: [9, 9][...], fin: false, packet: 1)
        _ = assembler.add(offset: 10, data: [8][...], fin: true, packet: 2)
        #expect(assembler.giveUpHoles() == [.gap(4), .data([9, 9], packet: 1), .gap(4), .data([8], packet: 2)])
        #expect(assembler.bufferedBytes == 0)
        #expect(assembler.isComplete)
    }

    @Test func atTheEndWhatWaitsBehindAHoleIsDeliveredAfterAGap() {
        var assembler = QUICStreamAssembler(maxBufferedBytes: 100, maxOffsetAhead: 1_000)
        _ = assembler.add(offset: 4, data: [9, 9][...], fin: true, packet: 1)
        #expect(assembler.finish() == [.gap(4), .data([9, 9], packet: 1)])
    }

    @Test func garbageAfterAQUICStartIsCountedNotTrapped() {
        var analyzer = QUICConnectionAnalyzer(keyLog: TLSKeyLog())
        var diagnostics: [String] = []
        var initial = QUICTestVectors.clientInitial
        analyzer.receive(ByteBuffer(bytes: initial), from: .clientToServer, at: Timestamp(nanoseconds: 0)) { _ in }
        // Every truncation of a protected packet, and a packet whose Length runs past the datagram.
        for length in stride(from: 1, to: 60, by: 3) {
            analyzer.receive(ByteBuffer(bytes: initial.prefix(length)), from: .serverToClient, at: Timestamp(nanoseconds: 0)) {
                if case .diagnostic(let text, _) = $0 { diagnostics.append(text) }
            }
        }
        initial[16] = 0x7F
        analyzer.receive(ByteBuffer(bytes: initial), from: .clientToServer, at: Timestamp(nanoseconds: 0)) {
            if case .diagnostic(let text, _) = $0 { diagnostics.append(text) }
        }
        #expect(analyzer.summary.serverName == "example.com")
        #expect(analyzer.summary.undecryptedPackets > 0)
        #expect(!diagnostics.isEmpty)
        #expect(diagnostics.count <= 32)
    }
}
