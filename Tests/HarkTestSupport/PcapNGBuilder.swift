/// Writes a pcapng file into memory, for tests: sections, interfaces, packet blocks, secrets and any
/// other block, each framed with its total length at both ends.
public struct PcapNGBuilder: Sendable {
    /// Whether the current section is written big-endian.
    public private(set) var bigEndian: Bool
    /// The file so far. Tests may damage it.
    public var bytes: [UInt8] = []

    /// Starts a file with a Section Header Block.
    public init(bigEndian: Bool = false) {
        self.bigEndian = bigEndian
        section(bigEndian: bigEndian)
    }

    /// Starts a new section, which forgets the interfaces of the one before.
    ///
    /// - Returns: the block's file offset.
    @discardableResult
    public mutating func section(bigEndian: Bool) -> Int {
        self.bigEndian = bigEndian
        var body: [UInt8] = []
        body.appendInteger(0x1A2B_3C4D as UInt32, bigEndian: bigEndian)
        body.appendInteger(1 as UInt16, bigEndian: bigEndian)  // version 1.0
        body.appendInteger(0 as UInt16, bigEndian: bigEndian)
        body.appendInteger(-1 as Int64, bigEndian: bigEndian)  // section length unknown
        return block(type: 0x0A0D_0D0A, body: body)
    }

    /// Describes the next interface (numbered from 0 in each section).
    ///
    /// - Parameters:
    ///   - timestampResolution: the `if_tsresol` byte (`9` for nanoseconds, `0x94` for 2^-20 s), or nil
    ///     for the default, microseconds.
    ///   - timestampOffset: `if_tsoffset`, seconds added to every timestamp.
    @discardableResult
    public mutating func interface(
        linkType: UInt16,
        snapLength: UInt32 = 0,
        timestampResolution: UInt8? = nil,
        timestampOffset: Int64? = nil
    ) -> Int {
        var body: [UInt8] = []
        body.appendInteger(linkType, bigEndian: bigEndian)
        body.appendInteger(0 as UInt16, bigEndian: bigEndian)
        body.appendInteger(snapLength, bigEndian: bigEndian)
        if let timestampResolution {
            body.appendInteger(9 as UInt16, bigEndian: bigEndian)
            body.appendInteger(1 as UInt16, bigEndian: bigEndian)
            body += [timestampResolution, 0, 0, 0]
        }
        if let timestampOffset {
            body.appendInteger(14 as UInt16, bigEndian: bigEndian)
            body.appendInteger(8 as UInt16, bigEndian: bigEndian)
            body.appendInteger(timestampOffset, bigEndian: bigEndian)
        }
        if timestampResolution != nil || timestampOffset != nil {
            body += [0, 0, 0, 0]  // opt_endofopt
        }
        return block(type: 1, body: body)
    }

    /// Appends an Enhanced Packet Block; `ticks` counts the interface's timestamp units.
    @discardableResult
    public mutating func enhancedPacket(interface: UInt32, ticks: UInt64, data: [UInt8], originalLength: Int? = nil)
        -> Int
    {
        var body: [UInt8] = []
        body.appendInteger(interface, bigEndian: bigEndian)
        appendPacketFields(to: &body, ticks: ticks, data: data, originalLength: originalLength)
        return block(type: 6, body: body)
    }

    /// Appends an obsolete Packet Block (type 2), with a 16-bit interface ID and drops count.
    @discardableResult
    public mutating func obsoletePacket(interface: UInt16, ticks: UInt64, data: [UInt8], originalLength: Int? = nil)
        -> Int
    {
        var body: [UInt8] = []
        body.appendInteger(interface, bigEndian: bigEndian)
        body.appendInteger(0 as UInt16, bigEndian: bigEndian)
        appendPacketFields(to: &body, ticks: ticks, data: data, originalLength: originalLength)
        return block(type: 2, body: body)
    }

    /// Appends a Simple Packet Block: interface 0, no timestamp, no captured length.
    @discardableResult
    public mutating func simplePacket(data: [UInt8], originalLength: Int? = nil) -> Int {
        var body: [UInt8] = []
        body.appendInteger(UInt32(originalLength ?? data.count), bigEndian: bigEndian)
        body += data
        return block(type: 3, body: body)
    }

    /// Appends a Decryption Secrets Block.
    @discardableResult
    public mutating func decryptionSecrets(type: UInt32, data: [UInt8]) -> Int {
        var body: [UInt8] = []
        body.appendInteger(type, bigEndian: bigEndian)
        body.appendInteger(UInt32(data.count), bigEndian: bigEndian)
        body += data
        return block(type: 0x0A, body: body)
    }

    /// Appends a block of any type: `body` padded to 32 bits, framed by the total length.
    ///
    /// - Returns: the block's file offset.
    @discardableResult
    public mutating func block(type: UInt32, body: [UInt8]) -> Int {
        let offset = bytes.count
        let padding = (4 - body.count % 4) % 4
        let length = UInt32(12 + body.count + padding)
        bytes.appendInteger(type, bigEndian: bigEndian)
        bytes.appendInteger(length, bigEndian: bigEndian)
        bytes += body
        bytes += [UInt8](repeating: 0, count: padding)
        bytes.appendInteger(length, bigEndian: bigEndian)
        return offset
    }

    private func appendPacketFields(to body: inout [UInt8], ticks: UInt64, data: [UInt8], originalLength: Int?) {
        body.appendInteger(UInt32(truncatingIfNeeded: ticks >> 32), bigEndian: bigEndian)
        body.appendInteger(UInt32(truncatingIfNeeded: ticks), bigEndian: bigEndian)
        body.appendInteger(UInt32(data.count), bigEndian: bigEndian)
        body.appendInteger(UInt32(originalLength ?? data.count), bigEndian: bigEndian)
        body += data
    }
}
