import HarkCore
import NIOCore

/// Decodes classic pcap: a 24-byte file header, then records of a 16-byte header (24 bytes in
/// modified pcap) followed by the captured bytes.
///
/// A record whose captured length exceeds the limit is corrupt: the decoder scans forward byte by byte
/// for a plausible record header (see `plausibility(at:in:atEnd:)`) and carries on from there.
struct PcapDecoder: RecordDecoder {
    /// The length of the file header.
    static let fileHeaderLength = 24
    /// The format version every writer since libpcap 0.4 puts in the file header (draft-ietf-opsawg-pcap, "File Header": major 2, minor 4).
    private static let knownVersion: (UInt16, UInt16) = (2, 4)
    /// An original length above this (16 MiB) marks a resynchronisation candidate as garbage.
    private static let plausibleOriginalLength: UInt32 = 16 << 20
    /// How far apart (one day) two consecutive records' timestamps may plausibly be.
    private static let plausibleSecondsApart: UInt32 = 86_400

    private let endianness: Endianness
    private let scale: TimestampScale
    private let recordHeaderLength: Int
    private let maximumPacketLength: Int
    private var linkType = LinkType.ethernet
    private var fileHeaderRead = false
    /// The number of the last packet record seen, delivered or damaged.
    private var lastPacketNumber = 0
    /// The seconds field of the last good record, against which candidates are judged.
    private var lastSeconds: UInt32?
    /// Damage being skipped over, reported when a plausible record or the end is found.
    private var corruption: Corruption?

    /// The fields of one record header.
    private struct RecordHeader {
        var seconds: UInt32
        var fraction: UInt32
        var capturedLength: UInt32
        var originalLength: UInt32
    }

    /// A decoder for pcap in the given byte order and resolution; `modified` for Kuznetzov's format.
    init(bigEndian: Bool, nanosecond: Bool, modified: Bool, limits: CaptureLimits) {
        self.endianness = bigEndian ? .big : .little
        self.scale = nanosecond ? .nanoseconds : .microseconds
        self.recordHeaderLength = modified ? 24 : 16
        self.maximumPacketLength = limits.maximumPacketLength
    }

    mutating func decode(_ buffer: inout ByteBuffer, base: Int64, atEnd: Bool, log: inout DiagnosticLog)
        -> DecodeStep
    {
        if !fileHeaderRead {
            guard buffer.readableBytes >= Self.fileHeaderLength else { return .needBytes(Self.fileHeaderLength) }
            // The link type's upper bits carry FCS length and reserved flags.
            let field = buffer.getInteger(at: buffer.readerIndex &+ 20, endianness: endianness, as: UInt32.self)
            linkType = LinkType(rawValue: (field ?? 0) & 0xFFFF)
            let major = buffer.getInteger(at: buffer.readerIndex &+ 4, endianness: endianness, as: UInt16.self) ?? 0
            let minor = buffer.getInteger(at: buffer.readerIndex &+ 6, endianness: endianness, as: UInt16.self) ?? 0
            if (major, minor) != Self.knownVersion {
                log.report(
                    .warning,
                    "the pcap file header says version \(major).\(minor), hark knows 2.4: records are read as 2.4's",
                    packet: nil,
                    offset: base &+ Int64(buffer.readerIndex) &+ 4
                )
            }
            buffer.moveReaderIndex(forwardBy: Self.fileHeaderLength)
            fileHeaderRead = true
        }
        while true {
            if corruption != nil, let step = resynchronise(&buffer, base: base, atEnd: atEnd, log: &log) { return step }
            let start = buffer.readerIndex
            guard let header = header(in: buffer, at: start) else { return .needBytes(recordHeaderLength) }
            let capturedLength = Int(header.capturedLength)
            guard capturedLength <= maximumPacketLength else {
                lastPacketNumber &+= 1
                corruption = Corruption(
                    message: "record header is corrupt: captured length \(capturedLength) exceeds the "
                        + "\(maximumPacketLength)-byte limit",
                    packetNumber: lastPacketNumber,
                    offset: base &+ Int64(start),
                    unit: "record"
                )
                buffer.moveReaderIndex(forwardBy: 1)
                continue
            }
            guard let data = buffer.getSlice(at: start &+ recordHeaderLength, length: capturedLength) else {
                return .needBytes(recordHeaderLength &+ capturedLength)
            }
            buffer.moveReaderIndex(forwardBy: recordHeaderLength &+ capturedLength)
            lastPacketNumber &+= 1
            lastSeconds = header.seconds
            return .record(
                .frame(
                    CapturedFrame(
                        number: lastPacketNumber,
                        timestamp: scale.timestamp(seconds: UInt64(header.seconds), fraction: UInt64(header.fraction)),
                        linkType: linkType,
                        interfaceIndex: 0,
                        originalLength: Int(header.originalLength),
                        data: data,
                        fileOffset: base &+ Int64(start)
                    )
                )
            )
        }
    }

    mutating func finish(_ buffer: ByteBuffer, base: Int64, log: inout DiagnosticLog) {
        let end = base &+ Int64(buffer.writerIndex)
        if let corruption {
            corruption.report(skippingTo: end, resumed: false, log: &log)
            self.corruption = nil
            return
        }
        let remaining = buffer.readableBytes
        guard remaining > 0 else { return }
        let number = lastPacketNumber &+ 1
        let offset = base &+ Int64(buffer.readerIndex)
        if let header = header(in: buffer, at: buffer.readerIndex) {
            let message = "file ends inside packet \(number): \(remaining &- recordHeaderLength) of "
                + "\(header.capturedLength) bytes"
            log.report(.error, message, packet: number, offset: offset)
        } else {
            let message = "file ends inside the record header of packet \(number): \(remaining) of "
                + "\(recordHeaderLength) bytes"
            log.report(.error, message, packet: number, offset: offset)
        }
    }

    /// While skipping damage, moves the reader index to the next plausible record header and reports
    /// the damage; returns a step only when more bytes are needed to decide.
    private mutating func resynchronise(
        _ buffer: inout ByteBuffer,
        base: Int64,
        atEnd: Bool,
        log: inout DiagnosticLog
    ) -> DecodeStep? {
        guard let corruption else { return nil }
        while true {
            switch plausibility(at: buffer.readerIndex, in: buffer, atEnd: atEnd) {
            case .plausible:
                let resume = base &+ Int64(buffer.readerIndex)
                corruption.report(skippingTo: resume, resumed: true, log: &log)
                self.corruption = nil
                return nil
            case .implausible:
                buffer.moveReaderIndex(forwardBy: 1)
            case .needBytes(let count):
                return .needBytes(count)
            }
        }
    }

    private enum Plausibility {
        case plausible
        case implausible
        case needBytes(Int)
    }

    /// Whether a record plausibly starts at `index`: its header is sane and within a day of the last
    /// good record. Before any good record there is no time to compare with, so the header after the
    /// candidate must be sane too (or the input must end exactly after it).
    private func plausibility(at index: Int, in buffer: ByteBuffer, atEnd: Bool) -> Plausibility {
        guard let candidate = header(in: buffer, at: index) else { return .needBytes(recordHeaderLength) }
        guard isSane(candidate, after: lastSeconds) else { return .implausible }
        guard lastSeconds == nil else { return .plausible }
        let next = index &+ recordHeaderLength &+ Int(candidate.capturedLength)
        if let following = header(in: buffer, at: next) {
            return isSane(following, after: candidate.seconds) ? .plausible : .implausible
        }
        guard atEnd else { return .needBytes(next &- index &+ recordHeaderLength) }
        return next == buffer.writerIndex ? .plausible : .implausible
    }

    /// Whether a header's lengths and timestamp could come from a real capture.
    private func isSane(_ header: RecordHeader, after seconds: UInt32?) -> Bool {
        guard Int(header.capturedLength) <= maximumPacketLength,
            header.capturedLength <= header.originalLength,
            header.originalLength > 0, header.originalLength <= Self.plausibleOriginalLength,
            UInt64(header.fraction) < scale.unitsPerSecond
        else { return false }
        guard let seconds else { return true }
        let apart = header.seconds > seconds ? header.seconds &- seconds : seconds &- header.seconds
        return apart <= Self.plausibleSecondsApart
    }

    /// The record header at `index`, or nil when its bytes are not all buffered.
    @inline(__always)
    private func header(in buffer: ByteBuffer, at index: Int) -> RecordHeader? {
        guard index >= buffer.readerIndex, buffer.writerIndex &- index >= recordHeaderLength,
            let seconds = buffer.getInteger(at: index, endianness: endianness, as: UInt32.self),
            let fraction = buffer.getInteger(at: index &+ 4, endianness: endianness, as: UInt32.self),
            let capturedLength = buffer.getInteger(at: index &+ 8, endianness: endianness, as: UInt32.self),
            let originalLength = buffer.getInteger(at: index &+ 12, endianness: endianness, as: UInt32.self)
        else { return nil }
        return RecordHeader(
            seconds: seconds,
            fraction: fraction,
            capturedLength: capturedLength,
            originalLength: originalLength
        )
    }
}
