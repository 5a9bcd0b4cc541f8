import HarkTestSupport
import Testing

@testable import HarkQUIC

/// `QUICStreamAssembler.takeInOrder`, the fast path for in-order frames, against `add` alone: the same
/// bytes come out in the same order, and the assembler ends in the same state.
@Suite struct QUICStreamAssemblerFastPathTests {
    /// What an assembler delivered: bytes in order, with gaps as their lengths of zeros.
    static func feed(_ frames: [(offset: UInt64, length: Int, fin: Bool)], fastPath: Bool) -> (bytes: [UInt8], gaps: UInt64, complete: Bool) {
        let stream = (0..<4_096).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        var assembler = QUICStreamAssembler(maxBufferedBytes: 1_000, maxOffsetAhead: 100_000)
        var bytes: [UInt8] = []
        var gaps: UInt64 = 0
        func take(_ pieces: [QUICStreamAssembler.Piece]) {
            for piece in pieces {
                switch piece {
                case .data(let data, _): bytes += data
                case .gap(let length): gaps += length
                }
            }
        }
        for frame in frames {
            let start = Int(frame.offset)
            let data = stream[start..<min(stream.count, start + frame.length)]
            if fastPath, assembler.takeInOrder(offset: frame.offset, data: data, fin: frame.fin) {
                bytes += data
            } else {
                take(assembler.add(offset: frame.offset, data: data, fin: frame.fin, packet: 0).pieces)
            }
        }
        take(assembler.finish())
        return (bytes, gaps, assembler.isComplete)
    }

    @Test(arguments: 0..<40)
    func framesInAnyOrderComeOutAsWithAddAlone(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var frames: [(offset: UInt64, length: Int, fin: Bool)] = []
        var offset = 0
        while offset < 3_000 {
            let length = Int(generator.next() % 300)
            frames.append((UInt64(offset), length, false))
            offset += length
        }
        frames.append((UInt64(offset), 10, true))
        // Some frames swapped, dropped or sent twice.
        for _ in 0..<Int(generator.next() % 6) {
            let a = Int(generator.next() % UInt64(frames.count))
            let b = Int(generator.next() % UInt64(frames.count))
            switch generator.next() % 3 {
            case 0: frames.swapAt(a, b)
            case 1: frames.remove(at: a)
            default: frames.append(frames[a])
            }
        }
        let fast = Self.feed(frames, fastPath: true)
        let reference = Self.feed(frames, fastPath: false)
        #expect(fast.bytes == reference.bytes)
        #expect(fast.gaps == reference.gaps)
        #expect(fast.complete == reference.complete)
    }

    @Test func onlyDataThatFollowsOnWithNothingHeldTakesTheFastPath() {
        var assembler = QUICStreamAssembler(maxBufferedBytes: 100, maxOffsetAhead: 1_000)
        let data: ArraySlice<UInt8> = [1, 2, 3, 4][...]
        let beyondAHole = assembler.takeInOrder(offset: 4, data: data, fin: false)
        let empty = assembler.takeInOrder(offset: 0, data: [][...], fin: true)
        let first = assembler.takeInOrder(offset: 0, data: data, fin: false)
        #expect(!beyondAHole && !empty && first)
        #expect(assembler.nextOffset == 4)
        _ = assembler.add(offset: 8, data: data, fin: false, packet: 0)
        let withDataHeld = assembler.takeInOrder(offset: 4, data: data, fin: false)
        #expect(!withDataHeld)
        let filled = assembler.add(offset: 4, data: data, fin: false, packet: 0).pieces
        #expect(filled.count == 2)
        let last = assembler.takeInOrder(offset: 12, data: data, fin: true)
        #expect(last && assembler.isComplete)
    }
}
