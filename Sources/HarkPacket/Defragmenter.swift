import HarkCore
import NIOCore

/// Identifies the fragments of one IP datagram (RFC 791 §3.2; RFC 8200 §4.5 for IPv6, where
/// `ipProtocol` is always `.fragment` because the Next Header may differ between fragments).
struct FragmentKey: Hashable {
    var source: IPAddress
    var destination: IPAddress
    var identification: UInt32
    var ipProtocol: IPProtocol
}

/// Rebuilds IP datagrams from their fragments, within `FragmentLimits`.
///
/// Fragment bytes are copied into buffers of their own, so a held fragment never pins the capture
/// chunk it arrived in. Overlaps are accepted only when the overlapping bytes agree; any fragment that
/// is rejected discards its whole datagram, so nothing ambiguous is ever delivered.
struct Defragmenter {
    /// What became of one fragment.
    enum Outcome {
        /// Kept; the datagram is not complete yet.
        case held
        /// The datagram is complete: its IP payload, and the protocol of the payload's first header.
        case complete(ByteBuffer, firstHeader: IPProtocol)
        /// Refused, and its datagram discarded.
        case rejected(PacketError.Problem)
    }

    /// Received bytes at one datagram offset.
    private struct Piece {
        var offset: Int
        var bytes: ByteBuffer
        var end: Int { offset &+ bytes.readableBytes }
    }

    private struct PendingDatagram {
        /// Sorted by offset and disjoint.
        var pieces: [Piece] = []
        var bytesReceived = 0
        var fragmentsReceived = 0
        /// The end of the payload, known once the last fragment (MF clear) has arrived.
        var end: Int?
        /// The first header of the payload: the fragment header's Next Header from the offset-0 fragment
        /// (until that arrives, from any fragment).
        var firstHeader: IPProtocol
        var firstSeen: Timestamp
    }

    let limits: FragmentLimits
    private var pending: [FragmentKey: PendingDatagram] = [:]
    /// Bytes held across all pending datagrams.
    private(set) var bufferedBytes = 0
    /// The earliest time at which a pending datagram times out.
    private var nextExpiry = Timestamp(nanoseconds: .max)
    /// Datagrams dropped since the owner last took them.
    var dropped: [DroppedDatagram] = []

    init(limits: FragmentLimits) {
        self.limits = limits
    }

    /// How many datagrams are under reassembly.
    var pendingCount: Int { pending.count }

    /// Adds one fragment's payload.
    ///
    /// - Parameters:
    ///   - fragment: the fragment's payload bytes (copied if kept).
    ///   - offset: where they go in the datagram's payload, in bytes.
    ///   - isLast: whether the More Fragments flag is clear.
    ///   - key: the datagram the fragment belongs to.
    ///   - firstHeader: the protocol of the payload's first header, as this fragment states it.
    ///   - time: the fragment's capture time.
    mutating func add(
        _ fragment: ByteBuffer,
        at offset: Int,
        isLast: Bool,
        key: FragmentKey,
        firstHeader: IPProtocol,
        time: Timestamp
    ) -> Outcome {
        let length = fragment.readableBytes
        let end = offset &+ length
        if let problem = check(length: length, end: end, isLast: isLast) {
            if let datagram = pending.removeValue(forKey: key) { return reject(datagram, problem) }
            return .rejected(problem)
        }
        var datagram = takeOrStart(key, firstHeader: firstHeader, time: time)
        datagram.fragmentsReceived &+= 1
        if let problem = checkEnd(end, isLast: isLast, against: datagram) {
            return reject(datagram, problem)
        }
        var gaps: [Range<Int>] = []
        var cursor = offset
        for piece in datagram.pieces where piece.offset < end && piece.end > offset {
            // Overlapping bytes must agree: a conflict means two senders disagree about the datagram.
            let overlap = max(piece.offset, offset)..<min(piece.end, end)
            let old = piece.bytes.getSlice(
                at: piece.bytes.readerIndex &+ overlap.lowerBound &- piece.offset,
                length: overlap.count
            )
            let new = fragment.getSlice(at: fragment.readerIndex &+ overlap.lowerBound &- offset, length: overlap.count)
            guard let old, let new, old == new else {
                return reject(datagram, .fragmentOverlapConflict(offset: offset, length: length))
            }
            if piece.offset > cursor { gaps.append(cursor..<piece.offset) }
            cursor = max(cursor, piece.end)
        }
        if cursor < end { gaps.append(cursor..<end) }
        guard datagram.pieces.count &+ gaps.count <= limits.maximumFragmentsPerDatagram else {
            return reject(datagram, .tooManyFragments(limit: limits.maximumFragmentsPerDatagram))
        }
        let newBytes = gaps.reduce(0) { $0 &+ $1.count }
        guard datagram.bytesReceived &+ newBytes <= limits.maximumBufferedBytes else {
            return reject(datagram, .fragmentBufferLimit(limit: limits.maximumBufferedBytes))
        }
        while bufferedBytes &+ newBytes > limits.maximumBufferedBytes, let oldest = oldestKey() {
            drop(oldest, reason: .bufferFull)
        }
        for gap in gaps {
            let start = fragment.readerIndex &+ gap.lowerBound &- offset
            guard let slice = fragment.getSlice(at: start, length: gap.count) else { continue }
            let index = datagram.pieces.firstIndex { $0.offset > gap.lowerBound } ?? datagram.pieces.endIndex
            datagram.pieces.insert(Piece(offset: gap.lowerBound, bytes: ByteBuffer(buffer: slice)), at: index)
            datagram.bytesReceived &+= gap.count
            bufferedBytes &+= gap.count
        }
        if isLast { datagram.end = end }
        if offset == 0 { datagram.firstHeader = firstHeader }
        if let datagramEnd = datagram.end, datagram.bytesReceived == datagramEnd {
            bufferedBytes &-= datagram.bytesReceived
            var payload = ByteBuffer()
            payload.reserveCapacity(datagramEnd)
            for piece in datagram.pieces { payload.writeImmutableBuffer(piece.bytes) }
            return .complete(payload, firstHeader: datagram.firstHeader)
        }
        pending[key] = datagram
        return .held
    }

    /// Drops every datagram whose first fragment is older than the timeout at `now`; one comparison
    /// when nothing is due.
    @inline(__always)
    mutating func expire(now: Timestamp) {
        if now >= nextExpiry { sweep(now: now) }
    }

    private mutating func sweep(now: Timestamp) {
        let expired = pending.filter { expiry(of: $0.value) <= now }.keys
        for key in expired { drop(key, reason: .timedOut) }
        nextExpiry = pending.values.lazy.map(expiry(of:)).min() ?? Timestamp(nanoseconds: .max)
    }

    /// Drops every pending datagram, for the end of a capture.
    mutating func dropAll() {
        for key in Array(pending.keys) { drop(key, reason: .endOfCapture) }
        nextExpiry = Timestamp(nanoseconds: .max)
    }

    /// The pending datagram for `key`, taken out of the table so it can be changed without a copy, or a
    /// new one, evicting the oldest when the table is full.
    private mutating func takeOrStart(_ key: FragmentKey, firstHeader: IPProtocol, time: Timestamp) -> PendingDatagram {
        if let datagram = pending.removeValue(forKey: key) { return datagram }
        while pending.count >= limits.maximumDatagrams, let oldest = oldestKey() {
            drop(oldest, reason: .tooManyDatagrams)
        }
        let datagram = PendingDatagram(firstHeader: firstHeader, firstSeen: time)
        nextExpiry = min(nextExpiry, expiry(of: datagram))
        return datagram
    }

    /// The rules a fragment must meet on its own.
    private func check(length: Int, end: Int, isLast: Bool) -> PacketError.Problem? {
        guard length > 0 else { return .emptyFragment }
        // RFC 791 and RFC 8200 §4.5: every fragment but the last carries a multiple of 8 bytes.
        guard isLast || length % 8 == 0 else { return .fragmentLengthNotMultipleOfEight(length) }
        guard end <= limits.maximumDatagramSize else {
            return .fragmentBeyondMaximumSize(end: end, maximum: limits.maximumDatagramSize)
        }
        return nil
    }

    /// The rules about where the datagram ends: one end, and no data beyond it.
    private func checkEnd(_ end: Int, isLast: Bool, against datagram: PendingDatagram) -> PacketError.Problem? {
        let furthest = datagram.pieces.last?.end ?? 0
        if isLast {
            if let known = datagram.end, known != end {
                return .fragmentEndConflict(lastFragmentEnd: known, otherFragmentEnd: end)
            }
            if furthest > end { return .fragmentEndConflict(lastFragmentEnd: end, otherFragmentEnd: furthest) }
        } else if let known = datagram.end, end > known {
            return .fragmentEndConflict(lastFragmentEnd: known, otherFragmentEnd: end)
        }
        return nil
    }

    /// Discards a datagram that was taken out of the table, returning the problem that sank it.
    private mutating func reject(_ datagram: PendingDatagram, _ problem: PacketError.Problem) -> Outcome {
        bufferedBytes &-= datagram.bytesReceived
        return .rejected(problem)
    }

    private mutating func drop(_ key: FragmentKey, reason: DroppedDatagram.Reason) {
        guard let datagram = pending.removeValue(forKey: key) else { return }
        bufferedBytes &-= datagram.bytesReceived
        dropped.append(
            DroppedDatagram(
                source: key.source,
                destination: key.destination,
                identification: key.identification,
                fragmentsReceived: datagram.fragmentsReceived,
                bytesReceived: datagram.bytesReceived,
                firstFragmentTime: datagram.firstSeen,
                reason: reason
            )
        )
    }

    private func oldestKey() -> FragmentKey? {
        pending.min { $0.value.firstSeen < $1.value.firstSeen }?.key
    }

    private func expiry(of datagram: PendingDatagram) -> Timestamp {
        datagram.firstSeen.advanced(by: limits.timeout)
    }
}
