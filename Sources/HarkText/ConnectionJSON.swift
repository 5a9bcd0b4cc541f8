public import HarkFormat
public import HarkModel

/// JSON for TCP connections, shared by `hark connections --json` and `hark trace --json --tcp`.
public enum ConnectionJSON {
    /// One direction's counters: `{"packets":…,"bytes":…,"delivered_bytes":…,"retransmissions":…,
    /// "out_of_order":…,"gaps":…,"gap_bytes":…,"duplicate_acks":…,"zero_windows":…,"overlap_conflicts":…}`.
    public static func counters(_ statistics: DirectionStatistics, to json: inout JSONWriter) {
        json.beginObject()
        json.member("packets", statistics.packets)
        json.member("bytes", statistics.payloadBytes)
        json.member("delivered_bytes", statistics.deliveredBytes)
        json.member("retransmissions", statistics.retransmissions)
        json.member("out_of_order", statistics.outOfOrder)
        json.member("gaps", statistics.gaps)
        json.member("gap_bytes", statistics.gapBytes)
        json.member("duplicate_acks", statistics.duplicateAcks)
        json.member("zero_windows", statistics.zeroWindows)
        json.member("overlap_conflicts", statistics.overlapConflicts)
        json.endObject()
    }
}
