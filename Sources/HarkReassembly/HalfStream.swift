import HarkCore
import HarkModel
import NIOCore

/// One direction of a TCP connection: turns segments in capture order into in-order bytes and gaps.
///
/// Sequence numbers are unwrapped into 64-bit stream offsets (offset 0 is the first byte after the SYN,
/// or the first byte seen when the capture started mid-stream), so 32-bit wraparound never reaches the
/// logic below. In-order payload is delivered as the caller's slice, without copying; only bytes beyond
/// a hole are copied, into `buffered`, sorted and non-overlapping (the first copy of a byte wins).
struct HalfStream {
    private(set) var isAnchored = false
    /// The sequence number of stream offset 0.
    private var anchorSequence: UInt32 = 0
    /// The next offset to deliver.
    private(set) var nextOffset: Int64 = 0
    /// The highest offset any segment reached.
    private(set) var highestOffset: Int64 = 0
    /// Out-of-order pieces, sorted by offset, non-overlapping, all beyond `nextOffset`.
    private var buffered: [BufferedSegment] = []
    private(set) var bufferedBytes = 0
    /// Offset of the FIN (one past the last data byte), once seen.
    private(set) var finOffset: Int64?
    /// Why the direction ended, once it has.
    private(set) var ended: StreamEndReason?
    /// The highest offset the peer acknowledged beyond `nextOffset`: bytes it received that the capture did not.
    private var acknowledgedOffset: Int64?
    /// When the peer first acknowledged unseen bytes: the connection's packet count and the time.
    private var holeAcknowledgedAt: (packet: Int, time: Timestamp)?
    /// The peer's latest acknowledgment and scaled window, for window-full detection.
    var peerAcknowledgment: UInt32?
    var peerWindow: Int?
    var statistics = DirectionStatistics()

    /// Anchors offsets at a SYN: the first data byte has sequence number `initialSequence + 1`.
    mutating func anchor(initialSequence: UInt32) {
        anchor(firstDataSequence: initialSequence &+ 1)
    }

    /// Anchors offsets so that `firstDataSequence` is offset 0, dropping any earlier state.
    mutating func anchor(firstDataSequence: UInt32) {
        isAnchored = true
        anchorSequence = firstDataSequence
        nextOffset = 0
        highestOffset = 0
        finOffset = nil
        acknowledgedOffset = nil
        holeAcknowledgedAt = nil
    }

    /// The stream offset of `sequence`, taken as the nearest one to `nextOffset` (within ±2 GiB).
    func offset(of sequence: UInt32) -> Int64 {
        let nextSequence = anchorSequence &+ UInt32(truncatingIfNeeded: nextOffset)
        return nextOffset + Int64(Int32(bitPattern: sequence &- nextSequence))
    }

    /// Takes one segment's payload (possibly empty) and FIN flag.
    ///
    /// - Parameters:
    ///   - payload: the captured payload bytes (a slice of capture storage).
    ///   - sequence: the sequence number of the first payload byte.
    ///   - length: the payload length on the wire (more than `payload` holds when truncated).
    ///   - fin: whether the segment carries a FIN.
    ///   - budget: out-of-order bytes all connections may still buffer; updated.
    mutating func receive<Handler: TCPStreamHandler>(
        _ payload: ByteBuffer,
        sequence: UInt32,
        length: Int,
        fin: Bool,
        context: SegmentContext,
        limits: ReassemblyLimits,
        budget: inout Int,
        handler: inout Handler
    ) {
        guard ended == nil else {
            // The direction is over (FIN reached, or reset): any data now repeats what was sent.
            if length > 0 {
                statistics.retransmissions += 1
                handler.tcpEvent(context.event(.retransmission(length: length)))
            }
            return
        }
        if !isAnchored {
            guard length > 0 || fin else { return }
            anchor(firstDataSequence: sequence)
        }
        let start = offset(of: sequence)
        let end = start + Int64(length)
        if length > 0 {
            if end <= nextOffset {
                let isKeepAlive = length <= 1 && start == nextOffset - 1
                if isKeepAlive {
                    handler.tcpEvent(context.event(.keepAlive))
                } else {
                    statistics.retransmissions += 1
                    handler.tcpEvent(context.event(.retransmission(length: length)))
                }
            } else if start <= nextOffset {
                if start < nextOffset {
                    statistics.retransmissions += 1
                    handler.tcpEvent(context.event(.retransmission(length: Int(nextOffset - start))))
                }
                deliverInOrder(payload, start: start, length: length, context: context, handler: &handler)
                drainBuffered(context: context, budget: &budget, handler: &handler)
            } else {
                bufferOutOfOrder(payload, start: start, length: length, context: context, limits: limits, budget: &budget, handler: &handler)
            }
            highestOffset = max(highestOffset, end)
        }
        if fin, finOffset == nil {
            finOffset = end
            handler.tcpEvent(context.event(.fin))
        }
        if let acknowledged = acknowledgedOffset, acknowledged <= nextOffset {
            acknowledgedOffset = nil
            holeAcknowledgedAt = nil
        }
        endIfFinReached(context: context, handler: &handler)
    }

    /// Records that the peer acknowledged `sequence`. Bytes acknowledged but never captured become a
    /// gap once the grace period in `ReassemblyLimits` has passed (see `resolveAcknowledgedHole`).
    mutating func noteAcknowledgment(_ sequence: UInt32, connectionPacketCount: Int, time: Timestamp) {
        guard isAnchored, ended == nil else { return }
        var acknowledged = offset(of: sequence)
        if let finOffset { acknowledged = min(acknowledged, finOffset) }  // the FIN itself takes a sequence number
        // An acknowledgment far beyond anything plausible is garbage, not evidence of loss.
        guard acknowledged > nextOffset, acknowledged - nextOffset < 1 << 30 else { return }
        acknowledgedOffset = max(acknowledgedOffset ?? acknowledged, acknowledged)
        if holeAcknowledgedAt == nil {
            holeAcknowledgedAt = (connectionPacketCount, time)
        }
    }

    /// Whether the peer acknowledged bytes not captured yet (`resolveAcknowledgedHole` has work).
    var awaitsAcknowledgedBytes: Bool { holeAcknowledgedAt != nil }

    /// Declares acknowledged-but-unseen bytes lost once enough later packets or time have passed.
    mutating func resolveAcknowledgedHole<Handler: TCPStreamHandler>(
        connectionPacketCount: Int,
        context: SegmentContext,
        limits: ReassemblyLimits,
        budget: inout Int,
        handler: inout Handler
    ) {
        guard let since = holeAcknowledgedAt, let acknowledged = acknowledgedOffset, ended == nil else { return }
        let waitedPackets = connectionPacketCount - since.packet
        let waitedTime = context.time.since(since.time)
        guard waitedPackets >= limits.acknowledgedHoleGracePackets || waitedTime >= limits.acknowledgedHoleGraceTime
        else { return }
        let target = min(acknowledged, buffered.first?.offset ?? acknowledged)
        skipHole(to: target, context: context, budget: &budget, handler: &handler)
        if acknowledged > nextOffset {
            holeAcknowledgedAt = (connectionPacketCount, context.time)  // another hole beyond: wait for it too
        } else {
            acknowledgedOffset = nil
            holeAcknowledgedAt = nil
        }
        endIfFinReached(context: context, handler: &handler)
    }

    /// Ends the direction: buffered bytes are delivered with gaps for the holes before them, bytes the
    /// FIN or the peer's acknowledgments prove were sent become a final gap.
    mutating func finish<Handler: TCPStreamHandler>(
        reason: StreamEndReason,
        context: SegmentContext,
        budget: inout Int,
        handler: inout Handler
    ) {
        guard ended == nil else { return }
        while let first = buffered.first {
            skipHole(to: first.offset, context: context, budget: &budget, handler: &handler)
        }
        let provenEnd = max(finOffset ?? nextOffset, acknowledgedOffset ?? nextOffset)
        if isAnchored, provenEnd > nextOffset {
            skipHole(to: provenEnd, context: context, budget: &budget, handler: &handler)
        }
        if let finOffset, nextOffset >= finOffset {
            ended = .fin
        } else {
            ended = reason
        }
        if statistics.packets == 0 { handler.directionNotCaptured(connection: context.connectionID, direction: context.direction) }
        handler.streamEnded(connection: context.connectionID, direction: context.direction, reason: ended ?? reason, at: context.time)
    }

    // MARK: - Delivery

    /// Delivers the part of `[start, start + length)` at or beyond `nextOffset`; `start <= nextOffset`.
    private mutating func deliverInOrder<Handler: TCPStreamHandler>(
        _ payload: ByteBuffer,
        start: Int64,
        length: Int,
        checkingConflicts: Bool = true,
        context: SegmentContext,
        handler: inout Handler
    ) {
        let end = start + Int64(length)
        let captured = min(payload.readableBytes, length)
        let alreadyDelivered = Int(nextOffset - start)
        if alreadyDelivered < captured {
            let count = captured - alreadyDelivered
            if let fresh = payload.getSlice(at: payload.readerIndex + alreadyDelivered, length: count) {
                if checkingConflicts, !buffered.isEmpty {
                    reportConflicts(with: fresh, at: nextOffset, context: context, handler: &handler)
                }
                handler.deliver(
                    fresh, connection: context.connectionID, direction: context.direction, at: context.time,
                    packetNumber: context.packetNumber
                )
                nextOffset += Int64(count)
                statistics.deliveredBytes += Int64(count)
            }
        }
        if end > nextOffset {
            // Bytes on the wire beyond the snapshot length: they will never be captured.
            reportGap(Int(end - nextOffset), context: context, handler: &handler)
            nextOffset = end
        }
    }

    /// Delivers buffered pieces that the advance of `nextOffset` reached.
    private mutating func drainBuffered<Handler: TCPStreamHandler>(
        context: SegmentContext,
        budget: inout Int,
        handler: inout Handler
    ) {
        var drained = 0
        while drained < buffered.count, buffered[drained].offset <= nextOffset {
            let piece = buffered[drained]
            drained += 1
            bufferedBytes -= piece.bytes.readableBytes
            budget += piece.bytes.readableBytes
            if piece.end > nextOffset {
                // Buffered pieces never overlap each other, so there is nothing to compare. The bytes
                // carry the time and packet number of the segment that brought them, not of this one.
                var captured = context
                captured.time = piece.time
                captured.packetNumber = piece.packetNumber
                deliverInOrder(piece.bytes, start: piece.offset, length: piece.length, checkingConflicts: false, context: captured, handler: &handler)
            }
        }
        if drained > 0 {
            buffered.removeFirst(drained)
        }
    }

    /// Gives up on the hole before `target`: reports it as a gap and delivers what follows.
    private mutating func skipHole<Handler: TCPStreamHandler>(
        to target: Int64,
        context: SegmentContext,
        budget: inout Int,
        handler: inout Handler
    ) {
        if target > nextOffset {
            reportGap(Int(target - nextOffset), context: context, handler: &handler)
            nextOffset = target
        }
        drainBuffered(context: context, budget: &budget, handler: &handler)
    }

    private mutating func reportGap<Handler: TCPStreamHandler>(_ length: Int, context: SegmentContext, handler: inout Handler) {
        statistics.gaps += 1
        statistics.gapBytes += Int64(length)
        handler.tcpEvent(context.event(.gap(length: length)))
        handler.gap(length, connection: context.connectionID, direction: context.direction, at: context.time)
    }

    private mutating func endIfFinReached<Handler: TCPStreamHandler>(context: SegmentContext, handler: inout Handler) {
        guard ended == nil, let finOffset, nextOffset >= finOffset, buffered.isEmpty else { return }
        ended = .fin
        handler.streamEnded(connection: context.connectionID, direction: context.direction, reason: .fin, at: context.time)
    }

    // MARK: - Out-of-order buffering

    /// Buffers `[start, start + length)`, beyond a hole, keeping bytes already buffered (first copy wins).
    private mutating func bufferOutOfOrder<Handler: TCPStreamHandler>(
        _ payload: ByteBuffer,
        start: Int64,
        length: Int,
        context: SegmentContext,
        limits: ReassemblyLimits,
        budget: inout Int,
        handler: inout Handler
    ) {
        let captured = min(payload.readableBytes, length)
        let overLimit = bufferedBytes + captured > limits.maxBufferedBytesPerDirection
            || buffered.count >= limits.maxBufferedSegmentsPerDirection
            || captured > budget
        if overLimit {
            // Stop waiting: everything held is delivered with its holes as gaps, then this segment.
            while let first = buffered.first {
                skipHole(to: first.offset, context: context, budget: &budget, handler: &handler)
            }
            if start > nextOffset {
                skipHole(to: start, context: context, budget: &budget, handler: &handler)
            }
            if start + Int64(length) > nextOffset {
                deliverInOrder(payload, start: start, length: length, context: context, handler: &handler)
            }
            return
        }
        let end = start + Int64(length)
        var cursor = start
        var index = firstIndex(endingAfter: start)
        var inserted = 0
        while cursor < end {
            let nextPieceStart = index < buffered.count ? buffered[index].offset : end
            if nextPieceStart > cursor {
                let pieceEnd = min(end, nextPieceStart)
                if let piece = copyPiece(of: payload, payloadStart: start, captured: captured, from: cursor, to: pieceEnd, context: context) {
                    buffered.insert(piece, at: index)
                    bufferedBytes += piece.bytes.readableBytes
                    budget -= piece.bytes.readableBytes
                    inserted += Int(pieceEnd - cursor)
                    index += 1
                }
                cursor = pieceEnd
            } else if index < buffered.count {
                let existing = buffered[index]
                let overlapEnd = min(end, existing.end)
                compare(payload, payloadStart: start, captured: captured, with: existing, from: cursor, to: overlapEnd, context: context, handler: &handler)
                cursor = max(cursor, existing.end)
                index += 1
            }
        }
        if inserted > 0 {
            statistics.outOfOrder += 1
            handler.tcpEvent(context.event(.outOfOrder(length: length)))
        } else {
            statistics.retransmissions += 1
            handler.tcpEvent(context.event(.retransmission(length: length)))
        }
    }

    /// The index of the first buffered piece whose end is beyond `offset`.
    private func firstIndex(endingAfter offset: Int64) -> Int {
        var low = 0
        var high = buffered.count
        while low < high {
            let middle = (low + high) / 2
            if buffered[middle].end <= offset { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// An owned copy of the captured bytes of `[from, to)`, a sub-range of the segment at `payloadStart`.
    private func copyPiece(
        of payload: ByteBuffer,
        payloadStart: Int64,
        captured: Int,
        from: Int64,
        to: Int64,
        context: SegmentContext
    ) -> BufferedSegment? {
        let skip = Int(from - payloadStart)
        let available = max(0, min(captured, Int(to - payloadStart)) - skip)
        var copy = ByteBufferAllocator().buffer(capacity: available)
        if available > 0 {
            guard let slice = payload.getSlice(at: payload.readerIndex + skip, length: available) else { return nil }
            copy.writeImmutableBuffer(slice)
        }
        return BufferedSegment(offset: from, bytes: copy, length: Int(to - from), time: context.time, packetNumber: context.packetNumber)
    }

    /// Reports bytes of a new segment that differ from the buffered copy of the same offsets.
    private mutating func compare<Handler: TCPStreamHandler>(
        _ payload: ByteBuffer,
        payloadStart: Int64,
        captured: Int,
        with existing: BufferedSegment,
        from: Int64,
        to: Int64,
        context: SegmentContext,
        handler: inout Handler
    ) {
        let newSkip = Int(from - payloadStart)
        let oldSkip = Int(from - existing.offset)
        let count = min(Int(to - from), captured - newSkip, existing.bytes.readableBytes - oldSkip)
        guard count > 0,
            let new = payload.getSlice(at: payload.readerIndex + newSkip, length: count),
            let old = existing.bytes.getSlice(at: existing.bytes.readerIndex + oldSkip, length: count)
        else { return }
        if new != old {
            statistics.overlapConflicts += 1
            handler.tcpEvent(context.event(.overlapConflict(offset: from, length: count)))
        }
    }

    /// Compares freshly delivered bytes at `offset` with any buffered copy of the same offsets.
    private mutating func reportConflicts<Handler: TCPStreamHandler>(
        with fresh: ByteBuffer,
        at offset: Int64,
        context: SegmentContext,
        handler: inout Handler
    ) {
        let end = offset + Int64(fresh.readableBytes)
        var index = firstIndex(endingAfter: offset)
        while index < buffered.count, buffered[index].offset < end {
            let existing = buffered[index]
            let from = max(offset, existing.offset)
            let to = min(end, existing.end)
            compare(fresh, payloadStart: offset, captured: fresh.readableBytes, with: existing, from: from, to: to, context: context, handler: &handler)
            index += 1
        }
    }
}
