import HarkCore
import HarkModel

/// Packets folded into buckets of consecutive packets, for a report that must stay small: each bucket
/// says when, how many each way, how many bytes, and which flags and analysis kinds it held, so the
/// timeline still draws their density and marks their trouble.
struct PacketAggregate {
    var from: Int64
    var to: Int64
    var clientPackets = 0
    var serverPackets = 0
    var clientBytes: Int64 = 0
    var serverBytes: Int64 = 0
    var flags: UInt16 = 0
    var kinds: UInt16 = 0
    var problemPackets = 0

    /// `facts` (in capture order) folded into at most `buckets` aggregates of equal packet counts, with
    /// times in microseconds since `origin`.
    static func fold(_ facts: ArraySlice<PacketFact>, buckets: Int, origin: Timestamp) -> [PacketAggregate] {
        guard !facts.isEmpty else { return [] }
        let width = max(1, (facts.count + max(1, buckets) - 1) / max(1, buckets))
        var result: [PacketAggregate] = []
        result.reserveCapacity(facts.count / width + 1)
        var index = facts.startIndex
        while index < facts.endIndex {
            let end = min(facts.endIndex, index + width)
            let first = TimelineTime.micros(facts[index].timestamp, origin: origin)
            var aggregate = PacketAggregate(from: first, to: first)
            for fact in facts[index..<end] {
                aggregate.to = max(aggregate.to, TimelineTime.micros(fact.timestamp, origin: origin))
                if fact.direction == .clientToServer {
                    aggregate.clientPackets += 1
                    aggregate.clientBytes += Int64(fact.payloadLength)
                } else {
                    aggregate.serverPackets += 1
                    aggregate.serverBytes += Int64(fact.payloadLength)
                }
                aggregate.flags |= fact.flags.rawValue
                aggregate.kinds |= fact.kinds.rawValue
                if !fact.kinds.isEmpty { aggregate.problemPackets += 1 }
            }
            result.append(aggregate)
            index = end
        }
        return result
    }
}

/// Times on the page: whole microseconds since the document's origin.
enum TimelineTime {
    static func micros(_ timestamp: Timestamp, origin: Timestamp) -> Int64 {
        timestamp.nanoseconds.subtractingReportingOverflow(origin.nanoseconds).partialValue / 1000
    }
}
