import HarkCore
import NIOCore

/// A block with intact framing: where it lies in the buffer, and its file offset.
struct PcapNGBlock {
    var buffer: ByteBuffer
    var start: Int
    var length: Int
    var base: Int64

    var fileOffset: Int64 { base &+ Int64(start) }

    /// The 32-bit field `offset` bytes into the block.
    @inline(__always)
    func word(_ offset: Int, _ endianness: Endianness) -> UInt32 {
        buffer.getInteger(at: start &+ offset, endianness: endianness, as: UInt32.self) ?? 0
    }
}

extension PcapNGDecoder {
    /// Acts on one block with intact framing; returns the record it holds, if any.
    mutating func handle(
        _ type: PcapNGBlockType,
        order: Endianness,
        _ block: PcapNGBlock,
        log: inout DiagnosticLog
    ) -> CaptureRecord? {
        switch type {
        case .sectionHeader:
            endianness = order
            interfaces.removeAll(keepingCapacity: true)
            return nil
        case .interfaceDescription:
            describeInterface(block, log: &log)
            return nil
        case .enhancedPacket, .obsoletePacket, .simplePacket:
            lastPacketNumber &+= 1
            return packet(type, block, log: &log).map(CaptureRecord.frame)
        case .decryptionSecrets:
            return secrets(block, log: &log).map(CaptureRecord.decryptionSecrets)
        default:
            return nil
        }
    }

    /// Adds the interface an Interface Description Block describes to the current section.
    private mutating func describeInterface(_ block: PcapNGBlock, log: inout DiagnosticLog) {
        guard interfaces.count < limits.maximumInterfaces else {
            let message = "more than \(limits.maximumInterfaces) interfaces in one section; ignoring this one"
            log.report(.error, message, packet: nil, offset: block.fileOffset)
            return
        }
        let index = interfaces.count
        let interface = PcapNGInterface(
            block: block.buffer,
            at: block.start,
            length: block.length,
            endianness: endianness
        ) { problem in
            log.report(.warning, "interface \(index): \(problem)", packet: nil, offset: block.fileOffset)
        }
        interfaces.append(interface)
    }

    /// The frame in an Enhanced, Simple or obsolete Packet Block, or nil (reported) when the block's
    /// fields contradict each other or the section.
    private mutating func packet(_ type: PcapNGBlockType, _ block: PcapNGBlock, log: inout DiagnosticLog)
        -> CapturedFrame?
    {
        let interfaceIndex: Int
        let timestamp: Timestamp
        let capturedLength: Int
        let originalLength = Int(block.word(type == .simplePacket ? 8 : 24, endianness))
        let dataStart: Int
        var problem: String?
        if type == .simplePacket {
            // pcapng §4.4: no interface field (always 0), no captured length, no timestamp.
            interfaceIndex = 0
            timestamp = lastTimestamp
            dataStart = 12
            let room = block.length &- 16
            let snapLength = interfaces.first.map { Int($0.snapLength) } ?? 0
            capturedLength = min(originalLength, room, snapLength == 0 ? room : snapLength)
            if interfaces.isEmpty { problem = "simple packet block comes before any interface description" }
        } else {
            // The obsolete Packet Block has a 16-bit interface ID followed by a 16-bit drops count.
            interfaceIndex = type == .enhancedPacket
                ? Int(block.word(8, endianness))
                : Int(block.buffer.getInteger(at: block.start &+ 8, endianness: endianness, as: UInt16.self) ?? 0)
            dataStart = 28
            capturedLength = Int(block.word(20, endianness))
            let room = block.length &- 32
            if interfaceIndex >= interfaces.count {
                problem = "packet refers to interface \(interfaceIndex), but the section describes \(interfaces.count)"
                timestamp = lastTimestamp
            } else {
                timestamp = interfaces[interfaceIndex].timestamp(
                    high: block.word(12, endianness),
                    low: block.word(16, endianness)
                )
                if capturedLength > room {
                    problem = "\(type) is corrupt: captured length \(capturedLength) exceeds the \(room) bytes it holds"
                }
            }
        }
        if problem == nil, capturedLength > limits.maximumPacketLength {
            problem = "captured length \(capturedLength) exceeds the \(limits.maximumPacketLength)-byte limit"
        }
        guard problem == nil, interfaceIndex < interfaces.count,
            let data = block.buffer.getSlice(at: block.start &+ dataStart, length: capturedLength)
        else {
            let message = (problem ?? "\(type) is corrupt") + "; skipped it"
            log.report(.error, message, packet: lastPacketNumber, offset: block.fileOffset)
            return nil
        }
        lastTimestamp = timestamp
        return CapturedFrame(
            number: lastPacketNumber,
            timestamp: timestamp,
            linkType: interfaces[interfaceIndex].linkType,
            interfaceIndex: interfaceIndex,
            originalLength: originalLength,
            data: data,
            fileOffset: block.fileOffset
        )
    }

    /// A copy of the secrets in a Decryption Secrets Block, or nil (reported) when its length lies.
    private func secrets(_ block: PcapNGBlock, log: inout DiagnosticLog) -> DecryptionSecrets? {
        let length = Int(block.word(12, endianness))
        let room = block.length &- 20
        guard length <= room, let bytes = block.buffer.getSlice(at: block.start &+ 16, length: length) else {
            let message = "decryption secrets block is corrupt: secrets length \(length) exceeds the \(room) bytes "
                + "it holds; skipped it"
            log.report(.error, message, packet: nil, offset: block.fileOffset)
            return nil
        }
        var copy = ByteBufferAllocator().buffer(capacity: length)
        copy.writeImmutableBuffer(bytes)
        let type = SecretsType(rawValue: block.word(8, endianness))
        return DecryptionSecrets(type: type, data: copy, fileOffset: block.fileOffset)
    }
}
