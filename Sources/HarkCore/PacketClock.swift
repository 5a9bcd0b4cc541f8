/// The number of the packet whose bytes are being analysed: 1-based, as tshark's `frame.number`, or 0
/// when none is (between packets, or for what an idle sweep or the end of the capture does).
///
/// A session sets it before it hands a packet's bytes to a connection's protocol stack, and analyzers
/// read it where they note the time of a message's first or last byte, so that every message also
/// knows the packets it came in: the way Wireshark's dissectors read `pinfo->num` and Zeek's analyzers
/// the current packet, instead of passing a number through every call. Bytes delivered later than
/// their packet (held behind a TCP hole, for protocol detection, for TLS secrets, or for an HTTP/1
/// tunnel decision) are replayed ``with(_:_:)`` their own packet's number.
///
/// Not thread-safe: one session's analysis thread owns it.
public final class PacketClock {
    /// The packet being analysed; 0 for none. (A plain number only ever read or set whole: not checked
    /// for exclusive access at run time, which would cost more than the reads, several per packet.)
    @exclusivity(unchecked) public var number = 0

    public init() {}

    /// Runs `body` with ``number`` set to `packet`, then sets it back.
    @inlinable
    public func with<Result>(_ packet: Int, _ body: () throws -> Result) rethrows -> Result {
        let previous = number
        number = packet
        defer { number = previous }
        return try body()
    }
}

@available(*, unavailable)
extension PacketClock: Sendable {}
