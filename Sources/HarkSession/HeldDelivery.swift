import HarkCore
import HarkModel

/// Bytes of one direction that reassembly held behind a hole and delivered only when it gave up on the
/// missing bytes. They keep the capture times of their own packets, so an exchange made of them shows
/// its real times; this record lets the exchange also say that it came out late, and why.
struct HeldDelivery {
    /// How many bytes were missing before them.
    var missingBytes: Int
    /// When reassembly gave up on the hole, and the packet it was processing then.
    var releasedAt: Timestamp
    var releasedAtPacket: Int
    /// The capture time of the earliest held byte delivered.
    var earliestHeld: Timestamp

    /// Whether a message captured between `firstByte` and `lastByte` had bytes among the held ones.
    func covers(firstByte: Timestamp, lastByte: Timestamp) -> Bool {
        lastByte >= earliestHeld && firstByte < releasedAt
    }

    /// The problem an exchange carries for its `message` ("request" or "response") in `direction`.
    func problem(message: String, direction: Direction) -> String {
        let held = releasedAt.since(earliestHeld).seconds
        let seconds = (held * 1000).rounded() / 1000
        return "\(message) delivered late: held \(seconds) s behind \(missingBytes) missing \(direction) bytes "
            + "until packet \(releasedAtPacket), when hark gave up on them (its times are its own packets')"
    }
}

/// Per direction of a connection: the gap just reported, and held bytes delivered after it.
struct HeldDeliveryTracker {
    /// The latest gap per direction (length, time, packet), until bytes delivered after it are seen.
    private var pendingGap: [Direction: (length: Int, time: Timestamp, packet: Int)] = [:]
    /// The latest held delivery per direction.
    private(set) var latest: [Direction: HeldDelivery] = [:]

    /// A gap of `length` bytes was reported at `time`, while reassembly processed packet `packet`.
    mutating func noteGap(_ length: Int, direction: Direction, time: Timestamp, packet: Int) {
        pendingGap[direction] = (length, time, packet)
    }

    /// Bytes captured at `time` were delivered: earlier than the gap before them means they were held.
    mutating func noteDelivery(direction: Direction, capturedAt time: Timestamp) {
        guard let gap = pendingGap[direction] else { return }
        guard time < gap.time else {
            pendingGap[direction] = nil
            return
        }
        if var held = latest[direction], held.releasedAt == gap.time, held.releasedAtPacket == gap.packet {
            held.earliestHeld = min(held.earliestHeld, time)
            latest[direction] = held
        } else {
            latest[direction] = HeldDelivery(missingBytes: gap.length, releasedAt: gap.time, releasedAtPacket: gap.packet, earliestHeld: time)
        }
    }

    /// Adds a problem to `exchange` for each of its messages made of held bytes.
    func annotate(_ exchange: inout Exchange) {
        if let held = latest[.clientToServer],
            held.covers(firstByte: exchange.request.firstByte, lastByte: exchange.request.lastByte)
        {
            exchange.problems.append(held.problem(message: "request", direction: .clientToServer))
        }
        if let held = latest[.serverToClient], let response = exchange.response,
            held.covers(firstByte: response.firstByte, lastByte: response.lastByte)
        {
            exchange.problems.append(held.problem(message: "response", direction: .serverToClient))
        }
    }
}
