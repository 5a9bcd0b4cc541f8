public import HarkCore

/// Writes a classic pcap file into memory, for tests: a file header, then one record per `append`.
public struct PcapBuilder: Sendable {
    /// Whether integers are written big-endian.
    public let bigEndian: Bool
    /// Whether timestamps count nanoseconds (magic `a1b23c4d`) rather than microseconds.
    public let nanosecond: Bool
    /// The file so far. Tests may damage it.
    public var bytes: [UInt8] = []

    /// Starts a file with the 24-byte header.
    public init(
        linkType: LinkType = .ethernet,
        nanosecond: Bool = false,
        bigEndian: Bool = false,
        snapLength: UInt32 = 262_144
    ) {
        self.bigEndian = bigEndian
        self.nanosecond = nanosecond
        bytes.appendInteger(nanosecond ? 0xA1B2_3C4D as UInt32 : 0xA1B2_C3D4, bigEndian: bigEndian)
        bytes.appendInteger(2 as UInt16, bigEndian: bigEndian)  // version 2.4
        bytes.appendInteger(4 as UInt16, bigEndian: bigEndian)
        bytes.appendInteger(0 as Int32, bigEndian: bigEndian)  // thiszone
        bytes.appendInteger(0 as UInt32, bigEndian: bigEndian)  // sigfigs
        bytes.appendInteger(snapLength, bigEndian: bigEndian)
        bytes.appendInteger(linkType.rawValue, bigEndian: bigEndian)
    }

    /// Appends a record holding `data`, captured at `seconds` plus `fraction` (micro- or nanoseconds).
    ///
    /// - Parameter originalLength: the length on the wire; defaults to `data.count`, larger marks the
    ///   record truncated.
    /// - Returns: the record's file offset.
    @discardableResult
    public mutating func append(_ data: [UInt8], seconds: UInt32, fraction: UInt32 = 0, originalLength: Int? = nil)
        -> Int
    {
        let offset = appendRecordHeader(
            seconds: seconds,
            fraction: fraction,
            capturedLength: UInt32(data.count),
            originalLength: UInt32(originalLength ?? data.count)
        )
        bytes += data
        return offset
    }

    /// Appends a bare record header with any lengths, to build damaged files.
    ///
    /// - Returns: the header's file offset.
    @discardableResult
    public mutating func appendRecordHeader(
        seconds: UInt32,
        fraction: UInt32,
        capturedLength: UInt32,
        originalLength: UInt32
    ) -> Int {
        let offset = bytes.count
        bytes.appendInteger(seconds, bigEndian: bigEndian)
        bytes.appendInteger(fraction, bigEndian: bigEndian)
        bytes.appendInteger(capturedLength, bigEndian: bigEndian)
        bytes.appendInteger(originalLength, bigEndian: bigEndian)
        return offset
    }
}

extension [UInt8] {
    /// Appends `value` in the chosen byte order.
    mutating func appendInteger<T: FixedWidthInteger>(_ value: T, bigEndian: Bool) {
        let ordered = bigEndian ? value.bigEndian : value.littleEndian
        Swift.withUnsafeBytes(of: ordered) { append(contentsOf: $0) }
    }
}
