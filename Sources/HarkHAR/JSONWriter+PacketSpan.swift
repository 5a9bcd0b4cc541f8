public import HarkFormat
public import HarkModel

extension JSONWriter {
    /// Writes a message's packets as `{"first": N, "last": M}`, or `null` when they are not known: the
    /// shape of HAR's `_packets` members and of `hark trace --json`'s `request_packets` and
    /// `response_packets`.
    public mutating func packetSpan(_ span: PacketSpan?) {
        guard let span else { return null() }
        beginObject()
        key("first")
        integer(span.first)
        key("last")
        integer(span.last)
        endObject()
    }
}
