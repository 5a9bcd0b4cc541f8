public import HarkCore
public import NIOCore

extension TLSAnalyzer {
    /// TLS records chaining over the first bytes of a direction captured without its start: each 5-byte
    /// header with a known content type, version 3.x and a length within `TLSLimits`' default, followed
    /// by the next. How a connection joined mid-way, inside a record, is recognised as TLS.
    ///
    /// - Parameters:
    ///   - bytes: the direction's first bytes.
    ///   - minimumRecords: complete records needed.
    /// - Returns: the chain (with the bytes before its first record), or nil.
    public static func recordChain(in bytes: ByteBuffer, minimumRecords: Int) -> FrameChain? {
        let maxLength = TLSLimits().maxRecordLength
        return FrameChain.find(in: bytes, headerLength: 5, maxOffset: 5 + maxLength, minimumUnits: minimumRecords) {
            buffer, index in
            guard let type = buffer.getInteger(at: index, as: UInt8.self),
                let version = buffer.getInteger(at: index + 1, as: UInt16.self),
                let length = buffer.getInteger(at: index + 3, as: UInt16.self),
                ContentType(rawValue: type).isKnown, version >> 8 == 3, version & 0xff <= 4, Int(length) <= maxLength
            else { return nil }
            return 5 + Int(length)
        }
    }

    /// Starts a direction joined inside a record: its first `count` bytes (the rest of a record sent
    /// before the capture began) are skipped and reported, and framing starts after them.
    ///
    /// Call before the direction's first bytes.
    public mutating func joinMidRecord(skipping count: Int, in direction: Direction, at time: Timestamp,
        emit: (TLSEvent) -> Void)
    {
        guard count > 0 else { return }
        directions[direction.index].discard += count
        directions[direction.index].framer.offset += Int64(count)
        emit(.diagnostic(TLSDiagnostic(.joinedMidRecord(skipped: count), direction: direction, streamOffset: 0,
            time: time)))
    }
}
