import HarkFormat
import HarkModel

extension JSONWriter {
    /// Writes a message's packets as `{"first": N, "last": M}`, or `null` when they are not known:
    /// `hark trace --json`'s `request_packets` and `response_packets`, shaped as HAR's `_packets`.
    mutating func packetSpan(_ span: PacketSpan?) {
        guard let span else { return null() }
        beginObject()
        key("first")
        integer(span.first)
        key("last")
        integer(span.last)
        endObject()
    }
}
