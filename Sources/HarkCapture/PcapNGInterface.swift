import HarkCore
import NIOCore

/// What an Interface Description Block says about the packets captured on one interface.
struct PcapNGInterface {
    /// The link-layer header type of its packets.
    var linkType: LinkType
    /// The snapshot length; 0 means unlimited.
    var snapLength: UInt32
    /// The timestamp resolution (`if_tsresol`, default microseconds).
    var scale: TimestampScale
    /// The offset added to every timestamp (`if_tsoffset`, in seconds), in nanoseconds.
    var offsetNanoseconds: Int64

    private static let endOfOptions: UInt16 = 0
    private static let timestampResolutionOption: UInt16 = 9
    private static let timestampOffsetOption: UInt16 = 14

    /// Parses the Interface Description Block of `length` bytes at `start`, whose framing is already
    /// checked. Problems in its options are reported and the option ignored.
    init(
        block buffer: ByteBuffer,
        at start: Int,
        length: Int,
        endianness: Endianness,
        report: (String) -> Void
    ) {
        let linkField = buffer.getInteger(at: start &+ 8, endianness: endianness, as: UInt16.self) ?? 0
        self.linkType = LinkType(rawValue: UInt32(linkField))
        self.snapLength = buffer.getInteger(at: start &+ 12, endianness: endianness, as: UInt32.self) ?? 0
        self.scale = .microseconds
        self.offsetNanoseconds = 0

        let end = start &+ length &- 4
        var index = start &+ 16
        while end &- index >= 4 {
            guard let code = buffer.getInteger(at: index, endianness: endianness, as: UInt16.self),
                let valueLength = buffer.getInteger(at: index &+ 2, endianness: endianness, as: UInt16.self),
                code != Self.endOfOptions
            else { return }
            let value = index &+ 4
            guard Int(valueLength) <= end &- value else {
                report("option \(code) claims \(valueLength) bytes but only \(end &- value) remain")
                return
            }
            switch code {
            case Self.timestampResolutionOption where valueLength >= 1:
                let resolution = buffer.getInteger(at: value, as: UInt8.self) ?? 6
                if let scale = TimestampScale(pcapngResolution: resolution) {
                    self.scale = scale
                } else {
                    report("if_tsresol 0x\(String(resolution, radix: 16)) is out of range; using microseconds")
                }
            case Self.timestampOffsetOption where valueLength == 8:
                let seconds = buffer.getInteger(at: value, endianness: endianness, as: Int64.self) ?? 0
                let (nanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
                if overflow {
                    report("if_tsoffset \(seconds) seconds is out of range; ignoring it")
                } else {
                    self.offsetNanoseconds = nanoseconds
                }
            default:
                break
            }
            // Option values are padded to 32 bits.
            index = value &+ ((Int(valueLength) &+ 3) & ~3)
        }
    }

    /// The capture time of a packet whose 64-bit timestamp has these halves.
    @inline(__always)
    func timestamp(high: UInt32, low: UInt32) -> Timestamp {
        let base = scale.timestamp(ticks: UInt64(high) << 32 | UInt64(low))
        guard offsetNanoseconds != 0 else { return base }
        let (sum, overflow) = base.nanoseconds.addingReportingOverflow(offsetNanoseconds)
        return Timestamp(nanoseconds: overflow ? (offsetNanoseconds < 0 ? .min : .max) : sum)
    }
}
