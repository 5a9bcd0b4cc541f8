import NIOCore

/// One TLS record as framed from a direction's byte stream.
struct TLSRecord {
    /// The header's content type (for TLS 1.3 protected records, always application_data).
    var type: ContentType
    /// The header's legacy version.
    var version: UInt16
    /// The fragment after the 5-byte header: a slice of the delivery or of the framer's carry buffer.
    var fragment: ByteBuffer
    /// Stream offset of the record's first header byte.
    var offset: Int64
}

/// Splits one direction's reassembled bytes into TLS records (RFC 8446 §5.1), zero-copy where a record
/// lies whole inside one delivery, carrying at most one incomplete record between deliveries.
///
/// Pull-driven: `begin(_:)` a delivery, call `next()` until it needs more, then `end()` to keep the
/// remainder. A header is checked before its body is buffered, so the carry never exceeds
/// `5 + maxRecordLength` bytes.
struct RecordFramer {
    /// What `next()` found.
    enum Step {
        /// A whole record.
        case record(TLSRecord)
        /// The rest of the delivery is part of an incomplete record (or empty).
        case needMore
        /// An SSL 2.0-compatible ClientHello of `length` bytes at the start of the stream, skipped.
        case sslv2ClientHello(offset: Int64)
        /// The bytes at `offset` are not a record header the limits accept.
        case malformed(TLSDiagnostic.Kind, offset: Int64)
    }

    private let maxRecordLength: Int
    /// Bytes of an incomplete record from earlier deliveries (own storage).
    private var carry: ByteBuffer
    /// The unconsumed part of the current delivery (shares the capture's storage).
    private var input: ByteBuffer
    /// Stream offset of the next record's first byte.
    var offset: Int64 = 0

    init(maxRecordLength: Int) {
        self.maxRecordLength = maxRecordLength
        carry = ByteBuffer()
        input = ByteBuffer()
    }

    /// Bytes held of an incomplete record.
    var carriedBytes: Int { carry.readableBytes }

    /// The length the carried record's header announces, once its header is complete.
    var carriedRecordLength: Int? {
        carry.readableBytes >= 5 ? carry.getInteger(at: carry.readerIndex + 3, as: UInt16.self).map(Int.init) : nil
    }

    /// The content type of the carried record, once its header is complete.
    var carriedRecordType: ContentType? {
        carry.readableBytes >= 5 ? carry.getInteger(at: carry.readerIndex, as: UInt8.self).map(ContentType.init) : nil
    }

    /// Starts framing a delivery.
    mutating func begin(_ bytes: ByteBuffer) {
        input = bytes
    }

    /// Frames the next record, or says why not.
    mutating func next() -> Step {
        if carry.readableBytes > 0 {
            return nextFromCarry()
        }
        switch scanHeader(of: input) {
        case .incomplete: return .needMore
        case .stop(let step): return step
        case .header(let type, let version, let length):
            guard var whole = input.readSlice(length: 5 + length) else { return .needMore }
            whole.moveReaderIndex(forwardBy: 5)
            return .record(emit(type: type, version: version, fragment: whole, length: length))
        }
    }

    /// Keeps the unconsumed rest of the delivery for the next one.
    mutating func end() {
        if input.readableBytes > 0 {
            var rest = input
            appendToCarry(&rest)
        }
        input = ByteBuffer()
    }

    /// Gives up framing: drops everything held and returns how many bytes that was (the carried
    /// incomplete record and the unconsumed rest of the delivery).
    mutating func abandon() -> Int {
        let count = carry.readableBytes + input.readableBytes
        carry = ByteBuffer()
        input = ByteBuffer()
        return count
    }

    /// Drops `count` bytes of the carried record and everything else held, after a capture gap inside it;
    /// returns how many bytes of that record are still to come and must be discarded.
    mutating func dropCarriedRecord(gap count: Int) -> Int? {
        guard let length = carriedRecordLength else { return nil }
        let remaining = 5 + length - carry.readableBytes
        guard count <= remaining else { return nil }
        offset += Int64(5 + length)
        carry.clear()
        return remaining - count
    }

    /// Skips `count` bytes of the current delivery (the rest of a record damaged by a gap); returns how
    /// many were skipped.
    mutating func skip(_ count: Int) -> Int {
        let skipped = min(count, input.readableBytes)
        input.moveReaderIndex(forwardBy: skipped)
        return skipped
    }

    private mutating func nextFromCarry() -> Step {
        if carry.readableBytes < 5 {
            moveIntoCarry(5 - carry.readableBytes)
        }
        switch scanHeader(of: carry) {
        case .incomplete: return .needMore
        case .stop(let step): return step
        case .header(let type, let version, let length):
            moveIntoCarry(5 + length - carry.readableBytes)
            // The slice shares the carry's storage; the carry is reset when next written to, by which
            // time the record has been handled and the storage can be reused without a copy.
            guard var whole = carry.readSlice(length: 5 + length) else { return .needMore }
            whole.moveReaderIndex(forwardBy: 5)
            return .record(emit(type: type, version: version, fragment: whole, length: length))
        }
    }

    private mutating func emit(type: ContentType, version: UInt16, fragment: ByteBuffer, length: Int) -> TLSRecord {
        let record = TLSRecord(type: type, version: version, fragment: fragment, offset: offset)
        offset += Int64(5 + length)
        return record
    }

    private mutating func moveIntoCarry(_ count: Int) {
        guard count > 0, var slice = input.readSlice(length: min(count, input.readableBytes)) else { return }
        appendToCarry(&slice)
    }

    /// Appends to the carry, first rewinding it when it holds nothing unread.
    private mutating func appendToCarry(_ bytes: inout ByteBuffer) {
        if carry.readableBytes == 0 {
            carry.clear()
        }
        carry.writeBuffer(&bytes)
    }

    /// What the bytes at the start of a buffer are.
    private enum HeaderScan {
        /// Too few bytes to tell.
        case incomplete
        /// A record header the limits accept.
        case header(ContentType, version: UInt16, length: Int)
        /// Not a record to frame: malformed, or a skipped SSLv2 hello.
        case stop(Step)
    }

    private mutating func scanHeader(of buffer: ByteBuffer) -> HeaderScan {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return .incomplete }
        if first & 0x80 != 0, offset == 0 {
            return sslv2Hello(in: buffer).map(HeaderScan.stop) ?? .incomplete
        }
        guard buffer.readableBytes >= 5,
            let version = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt16.self),
            let length = buffer.getInteger(at: buffer.readerIndex + 3, as: UInt16.self)
        else { return .incomplete }
        let type = ContentType(rawValue: first)
        guard type.isKnown, version >> 8 == 3 else { return .stop(.malformed(.notARecord, offset: offset)) }
        guard Int(length) <= maxRecordLength else {
            return .stop(.malformed(.recordTooLarge(length: Int(length)), offset: offset))
        }
        return .header(type, version: version, length: Int(length))
    }

    /// An SSL 2.0 record header with a ClientHello (RFC 5246 §E.2): two length bytes with the top bit
    /// set, then message type 1. Skipped whole once it is all here.
    private mutating func sslv2Hello(in buffer: ByteBuffer) -> Step? {
        guard buffer.readableBytes >= 3,
            let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
            let messageType = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt8.self)
        else { return nil }
        guard messageType == 1 else { return .malformed(.notARecord, offset: offset) }
        let total = 2 + Int(length & 0x7FFF)
        guard total <= 5 + maxRecordLength else { return .malformed(.recordTooLarge(length: total), offset: offset) }
        if carry.readableBytes > 0 {
            moveIntoCarry(total - carry.readableBytes)
            guard carry.readableBytes >= total else { return nil }
            carry.clear()
        } else {
            guard input.readableBytes >= total else { return nil }
            input.moveReaderIndex(forwardBy: total)
        }
        let start = offset
        offset += Int64(total)
        return .sslv2ClientHello(offset: start)
    }
}
