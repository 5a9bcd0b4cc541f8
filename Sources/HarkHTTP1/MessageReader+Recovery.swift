import HarkCore
import NIOCore

/// Skipping bytes until the next plausible message start.
struct ResyncProgress {
    /// Stream offset of the first byte skipped.
    var skippedFrom: Int64
    /// Positions of the working buffer already searched.
    var scanned: Int
    /// No message may start before this position of the working buffer (its bytes were rejected).
    var floor: Int
    /// How the skipped bytes are reported.
    var reason: HTTP1Diagnostic.Kind
    /// The number of the packet holding the first byte skipped (0: not known).
    var firstPacket = 0
    /// The first skipped bytes (up to `SkippedBytes.shown`), shown in the report; collected step by
    /// step as they pass, so the same bytes are shown however the stream was cut into segments.
    var firstBytes: [UInt8] = []

    /// Adds what `input` (whose first byte is at stream offset `offset`) holds of the first bytes.
    mutating func collect(_ input: ByteBuffer, at offset: Int64) {
        let collectedEnd = skippedFrom &+ Int64(firstBytes.count)
        guard firstBytes.count < SkippedBytes.shown, collectedEnd >= offset else { return }
        let start = Int(collectedEnd &- offset)
        let count = min(SkippedBytes.shown - firstBytes.count, input.readableBytes - start)
        guard count > 0, let bytes = input.getBytes(at: input.readerIndex + start, length: count) else { return }
        firstBytes += bytes
    }

    /// The first of the `skipped` bytes, quoted for a report.
    func preview(skipped: Int) -> String? {
        guard !firstBytes.isEmpty else { return nil }
        return SkippedBytes.quote(firstBytes.prefix(skipped), more: skipped > SkippedBytes.shown)
    }
}

/// What a gap or the end of a direction did to the message being read.
struct Interruption {
    /// An anomaly to report: kind, stream offset, length.
    var diagnostic: (kind: HTTP1Diagnostic.Kind, offset: Int64, length: Int)?
    /// The packet holding the diagnostic's first byte when it is not the current one (skipped bytes).
    var diagnosticPacket = 0
    /// What the diagnostic shows of the bytes (the first of those skipped).
    var detail: String?
    /// A head cut after its start line: what was captured of it and when its last byte came, to be
    /// reported as a message of its own (its `bodyEnd` follows, incomplete).
    var cutHead: (head: ParsedHead, size: Int, lastByteTime: Timestamp)?
    /// The body that ended because of it.
    var bodyEnd: MessageReader.BodyEnd?
    /// Whether the direction was carrying tunnel bytes.
    var inTunnel = false
}

extension MessageReader {
    /// Skips bytes from the current position until a message start is found.
    ///
    /// - Parameters:
    ///   - skippingFirstByte: whether the byte at the current position is known not to start a message.
    ///   - reason: how the skipped bytes are reported.
    mutating func startResync(skippingFirstByte: Bool, reason: HTTP1Diagnostic.Kind = .unparseableBytes) {
        isPristine = false
        let first = skippingFirstByte ? 1 : 0
        var progress = ResyncProgress(skippedFrom: offset, scanned: first, floor: first, reason: reason)
        progress.firstPacket = clock?.number ?? 0
        state = .resync(progress)
    }

    mutating func stepResync(_ input: inout ByteBuffer, _ resync: ResyncProgress, at time: Timestamp) -> Output {
        var resync = resync
        resync.collect(input, at: offset)
        let found = input.withUnsafeReadableBytes {
            MessageStartFinder.find(in: $0, from: resync.scanned, floor: resync.floor, isRequest: isRequest)
        }
        switch found {
        case .found(let start):
            input.moveReaderIndex(forwardBy: start)
            offset &+= Int64(start)
            messageStart = offset
            messageStartTime = time
            messageStartPacket = clock?.number ?? 0
            state = .head(scanned: 0, startLine: nil, firstFieldLine: 0)
            let skipped = Int(offset &- resync.skippedFrom)
            guard skipped > 0 else { return step(&input, at: time) }
            let detail = resync.reason == .unparseableBytes ? resync.preview(skipped: skipped) : nil
            return .diagnostic(resync.reason, offset: resync.skippedFrom, length: skipped, detail: detail, packet: resync.firstPacket)
        case .notFound(let keepFrom, let resumeAt):
            input.moveReaderIndex(forwardBy: keepFrom)
            offset &+= Int64(keepFrom)
            resync.scanned = resumeAt - keepFrom
            resync.floor = max(0, resync.floor - keepFrom)
            state = .resync(resync)
            return .needMoreData
        }
    }

    /// The first bytes being skipped as not HTTP, quoted; nil when no unparseable bytes are pending.
    var skippedBytesPreview: String? {
        guard case .resync(let resync) = state, resync.reason == .unparseableBytes else { return nil }
        var collected = resync
        if let carried { collected.collect(carried, at: offset) }
        let skipped = Int(offset &+ Int64(carried?.readableBytes ?? 0) &- resync.skippedFrom)
        return skipped > 0 ? collected.preview(skipped: skipped) : nil
    }

    /// Accounts for `length` bytes of this direction that were never captured.
    mutating func gap(_ length: Int) -> Interruption {
        let carriedBytes = carried
        let carriedCount = carried?.readableBytes ?? 0
        carried = nil
        let gapStart = offset &+ Int64(carriedCount)
        offset = gapStart &+ Int64(length)
        isPristine = false
        var result = Interruption()
        switch state {
        case .idle:
            startResync(skippingFirstByte: false)
        case .head(_, let startLine?, let firstFieldLine):
            // The start line was captured: keep the message with the fields before the gap.
            result.diagnostic = (.headCutByGap, messageStart, carriedCount &+ length)
            cutHead(
                carriedBytes,
                startLine: startLine,
                firstFieldLine: firstFieldLine,
                endOffset: gapStart,
                into: &result
            )
            startResync(skippingFirstByte: false)
        case .head, .awaitingFraming:
            result.diagnostic = (.gapInHead, messageStart, carriedCount &+ length)
            startResync(skippingFirstByte: false)
        case .fixedLength(let remaining):
            guard length < remaining else {
                progress.missingBytes &+= remaining
                progress.wireBytes &+= remaining
                result.bodyEnd = endBody(isComplete: false, endOffset: gapStart &+ Int64(remaining))
                if length > remaining { startResync(skippingFirstByte: false) } else { state = .idle }
                return result
            }
            progress.missingBytes &+= length
            progress.wireBytes &+= length
            state = .fixedLength(remaining: remaining - length)
        case .chunked(.data(let remaining)) where length < remaining:
            // Still inside one chunk's data: the framing is known to resume after it.
            progress.missingBytes &+= length
            progress.wireBytes &+= length
            state = .chunked(.data(remaining: remaining - length))
        case .chunked:
            progress.missingBytes &+= length
            progress.wireBytes &+= carriedCount &+ length
            result.diagnostic = (.gapInChunkedBody, gapStart, length)
            result.bodyEnd = endBody(isComplete: false, endOffset: gapStart)
            startResync(skippingFirstByte: false)
        case .untilClose:
            progress.missingBytes &+= length
            progress.wireBytes &+= length
        case .ending(let isComplete):
            result.bodyEnd = endBody(isComplete: isComplete, endOffset: gapStart)
            startResync(skippingFirstByte: false)
        case .resync(var resync):
            resync.scanned = 0
            resync.floor = 0
            state = .resync(resync)
        case .tunnel:
            result.inTunnel = true
        case .closed:
            break
        }
        return result
    }

    /// Ends the direction (FIN, RST or end of capture): a close-delimited body completes, anything
    /// else in progress is cut short.
    mutating func finish() -> Interruption {
        let carriedBytes = carried
        let carriedCount = carried?.readableBytes ?? 0
        carried = nil
        var result = Interruption()
        switch state {
        case .idle, .awaitingFraming, .closed:
            break
        case .head(_, let startLine?, let firstFieldLine):
            // The start line was captured: keep the message with the fields that arrived.
            result.diagnostic = (.truncatedHead, messageStart, carriedCount)
            let end = offset &+ Int64(carriedCount)
            cutHead(carriedBytes, startLine: startLine, firstFieldLine: firstFieldLine, endOffset: end, into: &result)
        case .head:
            // Without a complete start line the bytes were never recognisably a message.
            result.diagnostic = (.unparseableBytes, messageStart, carriedCount)
            result.detail = carriedBytes.map { SkippedBytes.quote($0.readableBytesView, more: carriedCount > SkippedBytes.shown) }
        case .fixedLength(let remaining):
            progress.missingBytes &+= remaining
            result.bodyEnd = endBody(isComplete: false)
        case .chunked(let phase):
            switch phase {
            case .data(let remaining): progress.missingBytes &+= remaining
            default: break
            }
            // All chunks arrived and only the final CRLF is missing: sloppy, but complete.
            let allChunksSeen = if case .trailers = phase { carriedCount == 0 } else { false }
            progress.wireBytes &+= carriedCount
            result.bodyEnd = endBody(isComplete: allChunksSeen)
        case .untilClose:
            result.bodyEnd = endBody(isComplete: true)
        case .ending(let isComplete):
            result.bodyEnd = endBody(isComplete: isComplete)
        case .resync(let resync):
            let skipped = Int(offset &+ Int64(carriedCount) &- resync.skippedFrom)
            if skipped > 0 {
                result.diagnostic = (resync.reason, resync.skippedFrom, skipped)
                result.diagnosticPacket = resync.firstPacket
                if resync.reason == .unparseableBytes {
                    var resync = resync
                    if let carriedBytes { resync.collect(carriedBytes, at: offset) }
                    result.detail = resync.preview(skipped: skipped)
                }
            }
        case .tunnel:
            result.inTunnel = true
        }
        offset &+= Int64(carriedCount)
        state = .closed
        return result
    }

    /// Parses what was captured of a head cut short (complete field lines only) into `result`, with an
    /// empty, incomplete body ending at `endOffset`: where the head would have ended is unknown.
    private mutating func cutHead(
        _ bytes: ByteBuffer?,
        startLine: StartLine,
        firstFieldLine: Int,
        endOffset: Int64,
        into result: inout Interruption
    ) {
        guard let bytes else { return }
        let head = bytes.withUnsafeReadableBytes { captured in
            HeadParser.parse(
                UnsafeRawBufferPointer(rebasing: captured.prefix(limits.maxHeadBytes)),
                startLine: startLine,
                firstFieldLine: firstFieldLine,
                maxFields: limits.maxHeaderCount
            )
        }
        result.cutHead = (head, bytes.readableBytes, headLastByteTime)
        progress = BodyProgress()
        result.bodyEnd = endBody(isComplete: false, endOffset: endOffset)
    }

    /// The counters of the body that just ended.
    mutating func endBody(isComplete: Bool, endOffset: Int64? = nil) -> BodyEnd {
        BodyEnd(
            isComplete: isComplete && progress.missingBytes == 0,
            missingBytes: progress.missingBytes,
            wireBytes: progress.wireBytes,
            chunkCount: progress.chunkCount,
            trailers: progress.trailers,
            endOffset: endOffset ?? offset
        )
    }
}
