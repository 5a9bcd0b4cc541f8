/// The packets a message came in: the numbers (1-based, tshark's `frame.number`) of the packet holding
/// its first byte and of the one holding its last, so that a Wireshark user can jump to them
/// (`frame.number == 4`, or `frame.number in {4..38}` for the whole message).
///
/// Inside TLS these are the packets that completed the records carrying those bytes, where Wireshark
/// shows the decrypted message too.
public struct PacketSpan: Hashable, Sendable {
    /// The packet holding the message's first byte.
    public var first: Int
    /// The packet holding its last byte (tshark's `frame.number` of an HTTP/1 message, which it shows
    /// where the message is complete).
    public var last: Int

    public init(first: Int, last: Int) {
        self.first = first
        self.last = last
    }

    /// A span from numbers a `PacketClock` gave; nil when either is 0 (not known).
    public init?(known first: Int, _ last: Int) {
        guard first > 0, last > 0 else { return nil }
        self.init(first: first, last: last)
    }
}
