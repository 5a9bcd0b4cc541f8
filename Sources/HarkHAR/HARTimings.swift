import HarkFormat

/// The phases of a request/response round trip in milliseconds (HAR 1.2 `timings`).
///
/// HAR 1.2: `send`, `wait` and `receive` "must have non-negative values"; `blocked`, `dns`, `connect`
/// and `ssl` are -1 when they do not apply (a reused connection has no `connect`), and `ssl` is also
/// counted inside `connect`. The writer enforces this: a negative or non-finite `send`/`wait`/`receive`
/// is written as 0, and any negative or non-finite optional phase as -1. Values are written with at
/// most three decimals (microseconds).
public struct HARTimings: Hashable, Sendable {
    /// Time spent queued before a connection was available, or -1.
    public var blocked: Double
    /// DNS resolution time, or -1.
    public var dns: Double
    /// Time to open the TCP connection (including `ssl`), or -1.
    public var connect: Double
    /// Time to send the request.
    public var send: Double
    /// Time from the end of the request to the first byte of the response.
    public var wait: Double
    /// Time to read the whole response.
    public var receive: Double
    /// TLS handshake time (also included in `connect`), or -1.
    public var ssl: Double

    public init(
        blocked: Double = -1,
        dns: Double = -1,
        connect: Double = -1,
        send: Double,
        wait: Double,
        receive: Double,
        ssl: Double = -1
    ) {
        self.blocked = blocked
        self.dns = dns
        self.connect = connect
        self.send = send
        self.wait = wait
        self.receive = receive
        self.ssl = ssl
    }

    /// The entry's `time` as written: the sum of the written phases other than -1, leaving out `ssl`
    /// because HAR 1.2 counts it inside `connect`. Summed in written units, so it matches the
    /// document exactly.
    public var total: Double {
        Double(totalThousandths) / 1000
    }

    // MARK: Written values, in thousandths of a millisecond

    /// The largest magnitude written (about 31 years); beyond it values are clamped so that the integer
    /// arithmetic cannot overflow.
    static let largestMilliseconds = 1e12

    /// A required phase as written: never negative.
    static func requiredThousandths(_ milliseconds: Double) -> Int64 {
        guard milliseconds.isFinite, milliseconds > 0 else { return 0 }
        return Int64((min(milliseconds, largestMilliseconds) * 1000).rounded())
    }

    /// An optional phase as written: -1 (as -1000 thousandths) when negative or not finite.
    static func optionalThousandths(_ milliseconds: Double) -> Int64 {
        guard milliseconds.isFinite, milliseconds >= 0 else { return -1000 }
        return Int64((min(milliseconds, largestMilliseconds) * 1000).rounded())
    }

    var totalThousandths: Int64 {
        max(HARTimings.optionalThousandths(blocked), 0) + max(HARTimings.optionalThousandths(dns), 0)
            + max(HARTimings.optionalThousandths(connect), 0) + HARTimings.requiredThousandths(send)
            + HARTimings.requiredThousandths(wait) + HARTimings.requiredThousandths(receive)
    }
}

extension JSONWriter {
    /// Writes a duration in milliseconds given in thousandths.
    mutating func milliseconds(thousandths: Int64) {
        fixed(thousandths, decimals: 3)
    }

    /// Writes the `timings` object (spec order) for the open `timings` key.
    mutating func timings(_ timings: HARTimings) {
        beginObject()
        key("blocked")
        milliseconds(thousandths: HARTimings.optionalThousandths(timings.blocked))
        key("dns")
        milliseconds(thousandths: HARTimings.optionalThousandths(timings.dns))
        key("connect")
        milliseconds(thousandths: HARTimings.optionalThousandths(timings.connect))
        key("send")
        milliseconds(thousandths: HARTimings.requiredThousandths(timings.send))
        key("wait")
        milliseconds(thousandths: HARTimings.requiredThousandths(timings.wait))
        key("receive")
        milliseconds(thousandths: HARTimings.requiredThousandths(timings.receive))
        key("ssl")
        milliseconds(thousandths: HARTimings.optionalThousandths(timings.ssl))
        endObject()
    }
}
