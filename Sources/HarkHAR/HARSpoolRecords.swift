import Glibc
import HarkCore

/// What `HARSortingSpool` knows of each spooled entry besides its sort key: where its bytes are in the
/// spool and its page clue. Kept as fixed-size records in an unlinked temporary file, so that the
/// spool's memory is its sort keys alone (16 bytes an entry) whatever the capture's size; only a
/// top-level document's URL (one per page, as the document's page list holds anyway) stays in memory.
///
/// Records are written in pieces of `writePiece` and read back through a window of `readPiece`
/// consecutive records: in start order, entries come mostly in the order they were added (their
/// completion order), so one read serves many of them.
final class HARSpoolRecords {
    /// One entry's record.
    struct Record: Equatable {
        /// Where the entry's bytes begin in the spool (its `{`).
        var start: Int64
        /// Where they end (after its `}`).
        var end: Int64
        /// What grouping into pages needs of it.
        var clue: HARPageClue?
    }

    /// Bytes per record: start, end, flags, the client address (two words) and four URL hashes.
    static let size = 9 * 8
    /// Records written at once.
    static let writePiece = 1024
    /// Records read at once.
    static let readPiece = 64

    private let file: Int32
    /// Records not yet written to the file.
    private var pending: [UInt64] = []
    /// Records in the file.
    private var written = 0
    /// Records added.
    private(set) var count = 0
    /// The URLs of top-level documents, by record number.
    private var documentURLs: [Int: String] = [:]
    /// Records read back: `window` holds those from number `windowStart` on, nine words each.
    private var window: [UInt64] = []
    private var windowStart = 0

    /// Bytes of memory taken: the buffers, and the documents' URLs.
    var memory: Int {
        (pending.capacity + window.capacity) * 8 + documentURLs.values.reduce(0) { $0 + 32 + $1.utf8.count }
    }

    /// - Throws: `HARWriterError.writeFailed` when no temporary file can be made in `directory`.
    init(directory: String) throws {
        file = try SpoolFile.make(in: directory)
        pending.reserveCapacity(Self.size / 8 * Self.writePiece)
    }

    deinit {
        close(file)
    }

    /// Adds the record of the next entry (they are numbered from 0).
    ///
    /// - Throws: `HARWriterError.writeFailed` when the file cannot be written.
    func append(_ record: Record) throws {
        var flags: UInt64 = 0
        let clue = record.clue
        if let clue {
            flags |= Flag.clue
            if let client = clue.client { flags |= client.isIPv6 ? Flag.client | Flag.ipv6 : Flag.client }
            if clue.referer != nil { flags |= Flag.referer }
            if clue.redirect != nil { flags |= Flag.redirect }
            if let url = clue.documentURL { documentURLs[count] = url }
        }
        pending += [
            UInt64(bitPattern: record.start), UInt64(bitPattern: record.end), flags,
            clue?.client?.high ?? 0, clue?.client?.low ?? 0,
            UInt64(bitPattern: Int64(clue?.url ?? 0)), UInt64(bitPattern: Int64(clue?.origin ?? 0)),
            UInt64(bitPattern: Int64(clue?.referer ?? 0)), UInt64(bitPattern: Int64(clue?.redirect ?? 0)),
        ]
        count += 1
        if pending.count >= Self.size / 8 * Self.writePiece { try flush() }
    }

    /// The record of entry `number`.
    ///
    /// - Throws: `HARWriterError.writeFailed` when the file cannot be written or read back, or for a
    ///   number that was never added (`EINVAL`).
    func record(_ number: Int) throws -> Record {
        guard number >= 0, number < count else { throw HARWriterError.writeFailed(errno: EINVAL) }
        if !pending.isEmpty { try flush() }
        let words = Self.size / 8
        if number < windowStart || number >= windowStart + window.count / words { try fillWindow(from: number) }
        let base = (number - windowStart) * words
        guard base >= 0, base + words <= window.count else { throw HARWriterError.writeFailed(errno: EIO) }
        let word = { (index: Int) in self.window[base + index] }
        let flags = word(2)
        var clue: HARPageClue?
        if flags & Flag.clue != 0 {
            var client: IPAddress?
            if flags & Flag.client != 0 {
                client = flags & Flag.ipv6 != 0
                    ? IPAddress(ipv6High: word(3), low: word(4)) : IPAddress(ipv4: UInt32(truncatingIfNeeded: word(4)))
            }
            clue = HARPageClue(
                client: client,
                documentURL: documentURLs[number],
                url: Int(truncatingIfNeeded: word(5)),
                origin: Int(truncatingIfNeeded: word(6)),
                referer: flags & Flag.referer != 0 ? Int(truncatingIfNeeded: word(7)) : nil,
                redirect: flags & Flag.redirect != 0 ? Int(truncatingIfNeeded: word(8)) : nil
            )
        }
        return Record(start: Int64(bitPattern: word(0)), end: Int64(bitPattern: word(1)), clue: clue)
    }

    /// The bits of a record's flags word.
    private enum Flag {
        static let clue: UInt64 = 1
        static let client: UInt64 = 2
        static let ipv6: UInt64 = 4
        static let referer: UInt64 = 8
        static let redirect: UInt64 = 16
    }

    private func flush() throws {
        try pending.withUnsafeBytes { try SpoolFile.write(file, $0, at: Int64(written * Self.size)) }
        written += pending.count * 8 / Self.size
        pending.removeAll(keepingCapacity: true)
    }

    /// Reads the records from `number` on (at most `readPiece` of them) into the window.
    private func fillWindow(from number: Int) throws {
        let records = max(0, min(Self.readPiece, written - number))
        window = [UInt64](repeating: 0, count: records * Self.size / 8)
        windowStart = number
        try window.withUnsafeMutableBytes { try SpoolFile.read(file, into: $0, at: Int64(number * Self.size)) }
    }
}

extension HARPageClue {
    /// A clue read back from its parts.
    init(client: IPAddress?, documentURL: String?, url: Int, origin: Int, referer: Int?, redirect: Int?) {
        self.client = client
        self.documentURL = documentURL
        self.url = url
        self.origin = origin
        self.referer = referer
        self.redirect = redirect
    }
}
