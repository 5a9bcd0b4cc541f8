import HarkCore

/// A timestamp resolution: how many units make a second, and the conversion of a count of them to a
/// `Timestamp` without trapping on any value a file can hold.
struct TimestampScale {
    /// Units per second: 1,000,000 for microseconds.
    let unitsPerSecond: UInt64
    /// Nanoseconds per unit when that is a whole number, else 0 (binary fractions, picoseconds).
    private let nanosecondsPerUnit: Int64

    /// Microsecond resolution, the default of pcap and pcapng.
    static let microseconds = TimestampScale(validUnitsPerSecond: 1_000_000)
    /// Nanosecond resolution.
    static let nanoseconds = TimestampScale(validUnitsPerSecond: 1_000_000_000)

    private init(validUnitsPerSecond units: UInt64) {
        self.unitsPerSecond = units
        self.nanosecondsPerUnit = units <= 1_000_000_000 && 1_000_000_000 % units == 0
            ? Int64(1_000_000_000 / units) : 0
    }

    /// The resolution an `if_tsresol` option byte gives (pcapng §4.2): bit 7 clear, a negative power of
    /// 10; set, a negative power of 2. Nil when the power does not fit in 64 bits.
    init?(pcapngResolution code: UInt8) {
        let exponent = UInt64(code & 0x7F)
        if code & 0x80 != 0 {
            guard exponent <= 62 else { return nil }
            self.init(validUnitsPerSecond: 1 << exponent)
        } else {
            guard exponent <= 18 else { return nil }
            var units: UInt64 = 1
            for _ in 0..<exponent { units &*= 10 }
            self.init(validUnitsPerSecond: units)
        }
    }

    /// The time `seconds` plus `fraction` units after the epoch, saturating when out of range.
    @inline(__always)
    func timestamp(seconds: UInt64, fraction: UInt64) -> Timestamp {
        let wholeSeconds = Int64(clamping: seconds)
        guard nanosecondsPerUnit != 0 else {
            return Timestamp(
                seconds: wholeSeconds,
                fraction: Int64(clamping: fraction % unitsPerSecond),
                unitsPerSecond: Int64(clamping: unitsPerSecond)
            )
        }
        let (whole, overflow1) = wholeSeconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (part, overflow2) = Int64(clamping: fraction).multipliedReportingOverflow(by: nanosecondsPerUnit)
        let (sum, overflow3) = whole.addingReportingOverflow(part)
        return Timestamp(nanoseconds: overflow1 || overflow2 || overflow3 ? .max : sum)
    }

    /// The time `ticks` units after the epoch (pcapng's 64-bit timestamps).
    @inline(__always)
    func timestamp(ticks: UInt64) -> Timestamp {
        timestamp(seconds: ticks / unitsPerSecond, fraction: ticks % unitsPerSecond)
    }
}
