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
/// than any packet logged after it. A packet with the kernel's time keeps it; one without takes the
/// earliest kernel time of the packets after it, when that is before its read time; and times never
/// go backwards from one packet to the next. Latencies are then never negative, and a request is placed
/// within the time of the response that followed it, not when hark got round to reading it. Other
/// link types pass unchanged.
///
/// Packets without a kernel time after the last one with it wait for the next read: the kernel time
/// that bounds them may come with it (the kernel sends NFLOG packets in batches, `NFLOGBatching`).
/// They wait until a kernel time comes, the input ends, or, live, `patience` has passed since they
/// were read: a kernel time logged after that is later than their read time anyway (batches leave
/// within a timer tick). Times are then the same however the input was cut into reads: live, and
/// from the pcapng written meanwhile (`-w`).
final class NFLOGClock: CaptureInputWrapper {
    /// How long, live, packets without a kernel time wait for one.
    static let patience = TimeSpan.milliseconds(50)

    let base: any CaptureInput
    /// The time given to the last NFLOG packet handed on.
    private var floor: Timestamp?
    /// What was read since the first NFLOG packet whose time is not settled, handed on once it is.
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
        let more = base.read(maximumFrames: maximumFrames, maximumBytes: maximumBytes, record: { item in
            if held.isEmpty, !Self.isNFLOG(item) { record(item) } else { held.append(.record(item)) }
        }, diagnostic: { item in
            if held.isEmpty { diagnostic(item) } else { held.append(.diagnostic(item)) }
        })
        if !held.isEmpty { handOnSettled(all: !more, record: record, diagnostic: diagnostic) }
        return more
    }

    private static func isNFLOG(_ item: CaptureRecord) -> Bool {
        if case .frame(let frame) = item { return frame.linkType == .nflog }
        return false
    }

    /// Hands on the held items, with their times, up to the first NFLOG packet that still waits for a
    /// kernel time (all of them with `all`, or once it has waited `patience`); keeps the rest.
    private func handOnSettled(all: Bool, record: (CaptureRecord) -> Void, diagnostic: (Diagnostic) -> Void) {
        // Each NFLOG frame's time before the floor: its kernel time, else the earliest kernel time
        // after it when that is before its read time.
        var times = [Timestamp?](repeating: nil, count: held.count)
        var earliestAfter: Timestamp?
        // The first NFLOG frame without a kernel time after the last one with it, and its read time.
        var firstWaiting: (index: Int, read: Timestamp)?
        for index in held.indices.reversed() {
            guard case .record(.frame(let frame)) = held[index], frame.linkType == .nflog else { continue }
            if let kernel = NFLOGFrame.timestamp(in: frame.data) {
                times[index] = kernel
                earliestAfter = min(earliestAfter ?? kernel, kernel)
            } else {
                times[index] = min(frame.timestamp, earliestAfter ?? frame.timestamp)
                if earliestAfter == nil { firstWaiting = (index, frame.timestamp) }
            }
        }
        var settled = firstWaiting?.index ?? held.count
        if all { settled = held.count }
        if let waiting = firstWaiting, let now = base.liveClock, now.since(waiting.read) >= Self.patience {
            settled = held.count
        }
        for (index, item) in held.prefix(settled).enumerated() {
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
        held.removeFirst(settled)
    }
}

@available(*, unavailable)
extension NFLOGClock: Sendable {}
