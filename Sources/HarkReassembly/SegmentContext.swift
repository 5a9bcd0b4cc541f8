import HarkCore
import HarkModel

/// Where a segment sits: its connection, direction, capture time and packet number. Passed down so
/// that every delivery and event carries the same facts without recomputing them.
struct SegmentContext {
    var connectionID: Int
    var direction: Direction
    var time: Timestamp
    var packetNumber: Int

    func event(_ kind: TCPEvent.Kind) -> TCPEvent {
        TCPEvent(connectionID: connectionID, direction: direction, timestamp: time, packetNumber: packetNumber, kind: kind)
    }
}
