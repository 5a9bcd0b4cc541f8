import HarkCapture
import HarkCore
import HarkPacket

/// Puts NFLOG packets (`--pid`, `-- CMD`, `nflog:` captures) on one clock.
///
/// The kernel stamps only the packets an input hook logged (`NFULA_TIMESTAMP`, taken when the packet
/// arrived); an output hook's packets carry no time, and libpcap stamps them when it reads them, which
/// is later, by however long the reader took to come back. Read as they were, a request a watched
/// client sent could be stamped after the response it received: negative latencies.
///
/// The kernel logs every packet of a group into one queue, in order, so a packet happened no later
/// than any packet logged after it. Within each batch read: a packet with the kernel's time keeps it;
/// one without takes the earliest kernel time of the packets after it, when that is before its read
/// time; and times never go backwards from one packet to the next (the first of a batch is no earlier
/// than the last of the batch before). Latencies are then never negative, and a request is placed
/// within the time of the response that followed it, not when hark got round to reading it. Other
/// link types pass unchanged.
final class NFLOGClock: CaptureInputWrapper {
    let base: any CaptureInput
    /// The time given to the last NFLOG packet handed on.
    private var floor: Timestamp?
    /// What the current batch read since its first NFLOG packet, handed on at the end of the batch.
    private var held: [Item] = []

    private enum Item {
        case record(CaptureRecord)
        case diagnostic(Diagnostic)
    }

    init(_ base: any CaptureInput) {
        self.base = base
    }

    func takeDiagnostics() -> [Diagnostic] {
        base.takeDiagnostics()
    }

    func read(
        maximumFrames: Int,
        maximumBytes: Int,
        record: (CaptureRecord) -> Void,
        diagnostic: (Diagnostic) -> Void
    ) -> Bool {
        var holding = false
        let more = base.read(maximumFrames: maximumFrames, maximumBytes: maximumBytes, record: { item in
            if !holding, case .frame(let frame) = item, frame.linkType == .nflog { holding = true }
            if holding { held.append(.record(item)) } else { record(item) }
        }, diagnostic: { item in
            if holding { held.append(.diagnostic(item)) } else { diagnostic(item) }
        })
        if holding { handOnHeld(record: record, diagnostic: diagnostic) }
        return more
    }

    private func handOnHeld(record: (CaptureRecord) -> Void, diagnostic: (Diagnostic) -> Void) {
        // Each NFLOG frame's time before the floor: its kernel time, else the earliest kernel time
        // after it when that is before its read time.
        var times = [Timestamp?](repeating: nil, count: held.count)
        var earliestAfter: Timestamp?
        for index in held.indices.reversed() {
            guard case .record(.frame(let frame)) = held[index], frame.linkType == .nflog else { continue }
            if let kernel = NFLOGFrame.timestamp(in: frame.data) {
                times[index] = kernel
                earliestAfter = min(earliestAfter ?? kernel, kernel)
            } else {
                times[index] = min(frame.timestamp, earliestAfter ?? frame.timestamp)
            }
        }
        for (index, item) in held.enumerated() {
            switch item {
            case .diagnostic(let found): diagnostic(found)
            case .record(.frame(var frame)):
                if let time = times[index] {
                    let placed = max(time, floor ?? time)
                    floor = placed
                    frame.timestamp = placed
                }
                record(.frame(frame))
            case .record(let other): record(other)
            }
        }
        held.removeAll(keepingCapacity: true)
    }
}

@available(*, unavailable)
extension NFLOGClock: Sendable {}
