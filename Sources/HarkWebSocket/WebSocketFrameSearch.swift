import NIOCore

/// Looks for the first frame boundary of a direction whose capture began after the upgrade, as its
/// bytes arrive, in time linear in the bytes searched.
///
/// Each offset is examined by `WebSocketFrameShape.examine` when its bytes first arrive. An offset
/// that is not a frame never becomes one (more bytes cannot change the bytes it was judged on), so it
/// is dropped; one whose first frame is not yet whole is examined again only once the bytes reach that
/// frame's end (or, inside a header, the next byte). So every offset is looked at a bounded number of
/// times, however the bytes are split into segments.
struct WebSocketFrameSearch {
    /// Offsets (from the searched buffer's reader index) below this were examined at least once.
    private var scanned = 0
    /// The buffer's readable length at the last call.
    private var seen = 0
    /// Offsets still undecided, by the readable length at which they can be examined again.
    private var waiting: [Int: [Int]] = [:]
    /// Headers examined so far (the work done, for tests). // private but tests
    private(set) var examinations = 0

    /// The first offset from `bytes`' reader index, within `searchLimit` bytes, where frames of this
    /// shape start, or nil when none does yet. Call again with the same buffer grown by new bytes.
    mutating func next(in bytes: ByteBuffer, fromClient: Bool, searchLimit: Int) -> Int? {
        let available = bytes.readableBytes
        guard available > seen else { return nil }
        var found: Int?
        // Undecided offsets whose awaited bytes have come; all of them lie below `scanned`.
        let woken: [Int]
        if waiting.count < available - seen {
            woken = waiting.keys.filter { $0 <= available }
        } else {
            woken = (seen + 1...available).filter { waiting[$0] != nil }
        }
        for position in woken {
            for offset in waiting.removeValue(forKey: position) ?? [] where examine(offset, in: bytes, fromClient: fromClient) {
                found = min(found ?? offset, offset)
            }
        }
        seen = available
        if let found { return found }
        let end = min(available, searchLimit)
        while scanned < end {
            let offset = scanned
            scanned += 1
            if examine(offset, in: bytes, fromClient: fromClient) { return offset }
        }
        return nil
    }

    /// Examines one offset: true for frames; an undecided offset is put back to wait.
    private mutating func examine(_ offset: Int, in bytes: ByteBuffer, fromClient: Bool) -> Bool {
        examinations += 1
        switch WebSocketFrameShape.examine(bytes, at: bytes.readerIndex + offset, fromClient: fromClient) {
        case .frames:
            return true
        case .other:
            return false
        case .needMore(let until):
            waiting[until - bytes.readerIndex, default: []].append(offset)
            return false
        }
    }
}
