import HarkCore
import NIOCore

/// Decodes pcapng: sections of blocks, each framed by its total length at both ends.
///
/// Every Section Header Block sets the byte order and forgets the interfaces of the section before.
/// Packet blocks (enhanced, simple, obsolete) become frames, Decryption Secrets Blocks become secrets
/// records, other blocks are skipped. A block whose framing is broken (length not a multiple of 4, out
/// of range, or not repeated in the trailer) is corrupt: the decoder scans forward byte by byte for the
/// next block with a known type and intact framing. A block with intact framing but impossible
/// contents is reported and skipped whole.
struct PcapNGDecoder: RecordDecoder {
    let limits: CaptureLimits
    /// The byte order of the current section.
    var endianness = Endianness.little
    /// The interfaces of the current section, by index.
    var interfaces: [PcapNGInterface] = []
    /// The number of the last packet block seen, delivered or damaged.
    var lastPacketNumber = 0
    /// The timestamp of the last delivered packet, given to Simple Packet Blocks, which have none.
    var lastTimestamp = Timestamp(nanoseconds: 0)
    /// Damage being skipped over, reported when an intact block or the end is found.
    private var corruption: Corruption?

    /// The outcome of checking a block's framing.
    private enum Framing {
        case intact(PcapNGBlockType, length: Int, endianness: Endianness)
        case broken(BrokenFraming)
        case needBytes(Int)
    }

    /// What is wrong with a block's framing; worded only when reported, so that the search for the next
    /// block after damage formats nothing per byte.
    private enum BrokenFraming {
        case byteOrderMagic(UInt32)
        case length(PcapNGBlockType, Int)
        case trailer(PcapNGBlockType, length: Int, trailer: UInt32)

        func message(limits: CaptureLimits) -> String {
            switch self {
            case .byteOrderMagic(let magic):
                return "section header has an unknown byte-order magic 0x\(String(magic, radix: 16))"
            case .length(let type, let length) where type == .decryptionSecrets && length > limits.maximumBlockLength:
                return "\(type) of \(length) bytes exceeds the \(limits.maximumBlockLength >> 20) MiB block limit; "
                    + "its secrets are not read"
            case .length(let type, let length):
                return "\(type) has an impossible length \(length) (a multiple of 4 from \(type.minimumLength) to "
                    + "\(limits.maximumBlockLength) expected)"
            case .trailer(let type, let length, let trailer):
                return "\(type) length \(length) does not match its trailer \(trailer)"
            }
        }
    }

    /// Damage skipped for this many bytes without finding a block is reported before skipping ends,
    /// so a long search is not silent.
    static let longSkip: Int64 = 1 << 20

    init(limits: CaptureLimits) {
        self.limits = limits
    }

    mutating func decode(_ buffer: inout ByteBuffer, base: Int64, atEnd: Bool, log: inout DiagnosticLog)
        -> DecodeStep
    {
        while true {
            if let step = resynchronise(&buffer, base: base, atEnd: atEnd, log: &log) { return step }
            let start = buffer.readerIndex
            switch framing(at: start, in: buffer) {
            case .needBytes(let count):
                return .needBytes(count)
            case .broken(let broken):
                let message = broken.message(limits: limits)
                let type = buffer.getInteger(at: start, endianness: endianness, as: UInt32.self) ?? 0
                var packet: Int?
                if PcapNGBlockType(rawValue: type).isPacket {
                    lastPacketNumber &+= 1
                    packet = lastPacketNumber
                }
                let offset = base &+ Int64(start)
                corruption = Corruption(message: message, packetNumber: packet, offset: offset, unit: "block")
                buffer.moveReaderIndex(forwardBy: 1)
            case .intact(let type, let length, let order):
                let block = PcapNGBlock(buffer: buffer, start: start, length: length, base: base)
                buffer.moveReaderIndex(forwardBy: length)
                if let record = handle(type, order: order, block, log: &log) { return .record(record) }
            }
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
        let start = buffer.readerIndex
        let offset = base &+ Int64(start)
        guard case .needBytes(let length) = framing(at: start, in: buffer), length > 12,
            let typeCode = buffer.getInteger(at: start, endianness: endianness, as: UInt32.self)
        else {
            log.report(.error, "file ends inside a block header: \(remaining) of 12 bytes", packet: nil, offset: offset)
            return
        }
        let type = PcapNGBlockType(rawValue: typeCode)
        if type.isPacket {
            let number = lastPacketNumber &+ 1
            log.report(
                .error,
                "file ends inside packet \(number): \(remaining) of \(length) bytes of its \(type)",
                packet: number,
                offset: offset
            )
        } else {
            let message = "file ends inside a \(type): \(remaining) of \(length) bytes"
            log.report(.error, message, packet: nil, offset: offset)
        }
    }

    /// Checks the framing of the block at `index`: length sane for its type, whole block buffered,
    /// trailer equal to the header's length.
    private func framing(at index: Int, in buffer: ByteBuffer) -> Framing {
        guard buffer.writerIndex &- index >= 12,
            let typeCode = buffer.getInteger(at: index, endianness: endianness, as: UInt32.self)
        else { return .needBytes(12) }
        let type = PcapNGBlockType(rawValue: typeCode)
        var order = endianness
        if type == .sectionHeader {
            switch buffer.getInteger(at: index &+ 8, endianness: .big, as: UInt32.self) {
            case 0x1A2B_3C4D: order = .big
            case 0x4D3C_2B1A: order = .little
            case let magic:
                return .broken(.byteOrderMagic(magic ?? 0))
            }
        }
        let length = Int(buffer.getInteger(at: index &+ 4, endianness: order, as: UInt32.self) ?? 0)
        guard length % 4 == 0, length >= type.minimumLength, length <= limits.maximumBlockLength else {
            return .broken(.length(type, length))
        }
        guard let trailer = buffer.getInteger(at: index &+ length &- 4, endianness: order, as: UInt32.self),
            buffer.writerIndex &- index >= length
        else { return .needBytes(length) }
        guard Int(trailer) == length else {
            return .broken(.trailer(type, length: length, trailer: trailer))
        }
        return .intact(type, length: length, endianness: order)
    }

    /// While skipping damage, moves the reader index to the next block with a known type and intact
    /// framing and reports the damage; returns a step only when more bytes are needed to decide.
    ///
    /// Linear in the bytes skipped: a position whose first word is no known block type is passed over
    /// without checking its framing.
    private mutating func resynchronise(
        _ buffer: inout ByteBuffer,
        base: Int64,
        atEnd: Bool,
        log: inout DiagnosticLog
    ) -> DecodeStep? {
        guard var corruption else { return nil }
        var resumed = false
        defer { self.corruption = resumed ? nil : corruption }
        while true {
            let index = buffer.readerIndex
            if !corruption.announced, base &+ Int64(index) &- corruption.offset >= Self.longSkip {
                corruption.announceLongSkip(log: &log)
            }
            if buffer.writerIndex &- index >= 12,
                let typeCode = buffer.getInteger(at: index, endianness: endianness, as: UInt32.self),
                !PcapNGBlockType(rawValue: typeCode).isKnown
            {
                buffer.moveReaderIndex(forwardBy: 1)
                continue
            }
            switch framing(at: index, in: buffer) {
            case .intact(let type, _, _) where type.isKnown:
                let resume = base &+ Int64(index)
                corruption.report(skippingTo: resume, resumed: true, log: &log)
                resumed = true
                return nil
            case .needBytes(let count) where !atEnd:
                let typeCode = buffer.getInteger(at: index, endianness: endianness, as: UInt32.self)
                if count <= 12 || PcapNGBlockType(rawValue: typeCode ?? 0).isKnown { return .needBytes(count) }
                buffer.moveReaderIndex(forwardBy: 1)
            case .needBytes(let count) where count <= 12:
                return .needBytes(count)
            case .intact, .broken, .needBytes:
                buffer.moveReaderIndex(forwardBy: 1)
            }
        }
    }
}
