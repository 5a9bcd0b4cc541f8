/// Puts the data of one direction of a QUIC stream (STREAM frames) or of one encryption level's CRYPTO
/// frames back in offset order (RFC 9000 §2.2), bounded in memory.
///
/// Data beyond a hole waits, up to `maxBufferedBytes`; past that the hole is given up as a gap. Data
/// that claims an offset more than `maxOffsetAhead` past what was delivered is dropped with a problem
/// (a lying offset must not make hark wait or allocate). Retransmitted data is delivered once.
struct QUICStreamAssembler {
    /// In-order output.
    enum Piece: Equatable {
        /// In-order bytes: a slice of the decrypted packet, or of a copy held behind a hole; with the
        /// number of the capture packet they came in (0: not known).
        case data(ArraySlice<UInt8>, packet: Int)
        /// Bytes the capture does not hold (lost, or sent before the capture began).
        case gap(UInt64)
    }

    let maxBufferedBytes: Int
    let maxOffsetAhead: UInt64
    /// The offset of the next byte to deliver.
    private(set) var nextOffset: UInt64 = 0
    /// The stream's final size, once a FIN (or RESET_STREAM) said it.
    private(set) var finalSize: UInt64?
    private var pending: [(offset: UInt64, data: ArraySlice<UInt8>, packet: Int)] = []
    private(set) var bufferedBytes = 0

    init(maxBufferedBytes: Int, maxOffsetAhead: UInt64) {
        self.maxBufferedBytes = maxBufferedBytes
        self.maxOffsetAhead = maxOffsetAhead
    }

    /// Whether every byte up to the final size was delivered (or reported as a gap).
    var isComplete: Bool { finalSize == nextOffset }

    /// Takes one frame's data, from capture packet `packet`; returns what can now be delivered in order,
    /// and a problem with the frame.
    mutating func add(offset: UInt64, data: ArraySlice<UInt8>, fin: Bool, packet: Int) -> (pieces: [Piece], problem: String?) {
        let end = offset &+ UInt64(data.count)  // the frame parser keeps offset + length below 2^62
        var problem: String?
        if fin {
            if let finalSize, finalSize != end {
                problem = "final size \(end) contradicts the earlier \(finalSize)"
            } else {
                finalSize = end
            }
        }
        if let finalSize, end > finalSize {
            return ([], "data up to offset \(end) runs past the final size \(finalSize)")
        }
        guard end > nextOffset else { return ([], problem) }
        guard offset <= nextOffset || offset &- nextOffset <= maxOffsetAhead else {
            return ([], "offset \(offset) is more than \(maxOffsetAhead) bytes past the \(nextOffset) delivered; dropped")
        }
        var pieces: [Piece] = []
        if offset <= nextOffset {
            let skip = Int(nextOffset &- offset)
            pieces.append(.data(data.dropFirst(skip), packet: packet))
            nextOffset = end
        } else {
            let index = pending.firstIndex { $0.offset > offset } ?? pending.count
            pending.insert((offset, Array(data)[...], packet), at: index)
            bufferedBytes &+= data.count
            while bufferedBytes > maxBufferedBytes, let first = pending.first, first.offset > nextOffset {
                pieces.append(.gap(first.offset &- nextOffset))
                nextOffset = first.offset
                drain(into: &pieces)
            }
        }
        drain(into: &pieces)
        return (pieces, problem)
    }

    /// `add` for the usual frame, without building a list: data that starts exactly where delivery is,
    /// with nothing waiting behind a hole and no final size known yet. Returns whether it took the frame
    /// (its data is then the next in-order bytes, all of them); false leaves everything to `add`.
    mutating func takeInOrder(offset: UInt64, data: ArraySlice<UInt8>, fin: Bool) -> Bool {
        guard offset == nextOffset, !data.isEmpty, pending.isEmpty, finalSize == nil else { return false }
        nextOffset = offset &+ UInt64(data.count)  // the frame parser keeps offset + length below 2^62
        if fin { finalSize = nextOffset }
        return true
    }

    /// Ends the stream: delivers what waits behind holes, each hole as a gap, and a gap up to the final
    /// size when it is known.
    mutating func finish() -> [Piece] {
        var pieces = giveUpHoles()
        if let finalSize, finalSize > nextOffset {
            pieces.append(.gap(finalSize &- nextOffset))
            nextOffset = finalSize
        }
        return pieces
    }

    /// Stops waiting for the holes before the data held: delivers it, each hole as a gap.
    mutating func giveUpHoles() -> [Piece] {
        var pieces: [Piece] = []
        while let first = pending.first {
            if first.offset > nextOffset {
                pieces.append(.gap(first.offset &- nextOffset))
                nextOffset = first.offset
            }
            drain(into: &pieces)
        }
        return pieces
    }

    /// Delivers the waiting data that now follows on.
    private mutating func drain(into pieces: inout [Piece]) {
        while let first = pending.first, first.offset <= nextOffset {
            pending.removeFirst()
            bufferedBytes &-= first.data.count
            let end = first.offset &+ UInt64(first.data.count)
            guard end > nextOffset else { continue }
            pieces.append(.data(first.data.dropFirst(Int(nextOffset &- first.offset)), packet: first.packet))
            nextOffset = end
        }
    }
}
