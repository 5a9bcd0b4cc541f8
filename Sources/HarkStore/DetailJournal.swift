import HarkCore
import NIOCore

/// Where one exchange's details are in the journal.
struct DetailLocation: Sendable, Hashable {
    /// The segment's number (from 0, never reused).
    var segment: Int
    var offset: Int
    var length: Int
}

/// The details of kept exchanges (heads, bodies, gRPC messages), serialized one after the other into
/// `BodyStorage` segments: in memory while small, then in the store's pool allowance, then in unlinked
/// temporary files. A segment holds a fixed number of exchanges and is dropped whole once all of them
/// are evicted, which gives its memory or disk back.
struct DetailJournal {
    /// A segment and the exchanges whose details it holds.
    struct Segment {
        var number: Int
        var storage = BodyStorage()
        var count = 0
        /// The id of the last exchange written.
        var lastExchangeID = -1
    }

    let limits: BodyStorageLimits
    let exchangesPerSegment: Int
    private(set) var segments: [Segment] = []
    private var nextSegment = 0

    init(limits: BodyStorageLimits, exchangesPerSegment: Int) {
        self.limits = limits
        self.exchangesPerSegment = max(1, exchangesPerSegment)
    }

    /// Appends one exchange's serialized details.
    mutating func append(_ record: ByteBuffer, exchangeID: Int) -> DetailLocation {
        if segments.last.map({ $0.count >= exchangesPerSegment }) ?? true {
            segments.append(Segment(number: nextSegment))
            nextSegment += 1
        }
        let index = segments.count - 1
        let offset = segments[index].storage.count
        segments[index].storage.append(record, limits: limits)
        segments[index].count += 1
        segments[index].lastExchangeID = exchangeID
        return DetailLocation(segment: segments[index].number, offset: offset, length: record.readableBytes)
    }

    /// Drops the segments whose exchanges all come before `firstKeptID`.
    mutating func dropSegments(before firstKeptID: Int) {
        let drop = segments.prefix { $0.lastExchangeID < firstKeptID && $0.count >= exchangesPerSegment }.count
        if drop > 0 { segments.removeFirst(drop) }
    }

    /// The storage holding `location` (a copy: reading it needs no lock), or nil when dropped.
    func storage(for location: DetailLocation) -> BodyStorage? {
        guard let first = segments.first else { return nil }
        let index = location.segment - first.number
        guard index >= 0, index < segments.count else { return nil }
        return segments[index].storage
    }
}
