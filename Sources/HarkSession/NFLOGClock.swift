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
/// than the packets logged after it. A packet with the kernel's time keeps it; one without takes the
/// kernel time of the first packet with one logged after it, when that is before its read time; and
/// times never go backwards from one packet to the next. Latencies are then never negative, and a
/// request is placed within the time of the response that followed it, not when hark got round to
/// reading it. Other link types pass unchanged.
///
/// Packets with a kernel time, and everything while no packet waits, pass straight on. A packet
/// without a kernel time is held, with what follows it, until a packet with one comes: the kernel
/// sends NFLOG packets in batches (`NFLOGBatching`), so that packet may come with the next read. They
/// wait until then, until the input ends, or, live, until `patience` has passed since they were read:
/// a kernel time logged after that is later than their read time anyway (batches leave within a timer
/// tick). Times are then the same however the input was cut into reads: live, and from the pcapng
/// written meanwhile (`-w`).
final class NFLOGClock: CaptureInputWrapper {
    /// How long, live, packets without a kernel time wait for one.
    static let patience = TimeSpan.milliseconds(50)

    let base: any CaptureInput
    /// What carries over from one read to the next.
    private var state = State()

    private enum Item {
        /// An NFLOG packet without a kernel time.
        case waiting(CapturedFrame)
        /// Another record (of another link type, or decryption secrets).
        case record(CaptureRecord)
        case diagnostic(Diagnostic)
    }

    /// The clock's state. A read moves it into a local and back: its per-packet closures then work on
    /// a local, without the exclusivity check (about 100 instructions) that each access to a class's
    /// stored property costs, two or three per NFLOG packet.
    private struct State {
        /// The time given to the last NFLOG packet handed on.
        var floor: Timestamp?
        /// From the first NFLOG packet still waiting for a kernel time on, what was read, in order.
        var held: [Item] = []
        /// When the first held packet was read (its libpcap time).
        var heldSince: Timestamp?

        /// Hands on a record, or holds it behind a packet waiting for a kernel time.
        mutating func take(_ item: CaptureRecord, record: (CaptureRecord) -> Void, diagnostic: (Diagnostic) -> Void) {
            guard case .frame(var frame) = item, frame.linkType == .nflog else {
                if held.isEmpty { record(item) } else { held.append(.record(item)) }
                return
            }
            guard let kernel = NFLOGFrame.timestamp(in: frame.data) else {
                if held.isEmpty { heldSince = frame.timestamp }
                held.append(.waiting(frame))
                return
            }
            if !held.isEmpty { handOnHeld(before: kernel, record: record, diagnostic: diagnostic) }
            frame.timestamp = place(kernel)
            record(.frame(frame))
        }

        /// Hands on a diagnostic, or holds it behind a packet waiting for a kernel time.
        mutating func take(_ item: Diagnostic, diagnostic: (Diagnostic) -> Void) {
            if held.isEmpty { diagnostic(item) } else { held.append(.diagnostic(item)) }
        }

        /// Hands on everything held, in order: each waiting packet at its read time, or at `kernel` (the
        /// time of the packet logged after them) when that is earlier.
        mutating func handOnHeld(before kernel: Timestamp?, record: (CaptureRecord) -> Void, diagnostic: (Diagnostic) -> Void) {
            for item in held {
                switch item {
                case .waiting(var frame):
                    frame.timestamp = place(min(frame.timestamp, kernel ?? frame.timestamp))
                    record(.frame(frame))
                case .record(let other): record(other)
                case .diagnostic(let found): diagnostic(found)
                }
            }
            held.removeAll(keepingCapacity: true)
            heldSince = nil
        }

        /// `time`, or the time of the packet handed on before when that is later; the next packet's floor.
        private mutating func place(_ time: Timestamp) -> Timestamp {
            let placed = max(time, floor ?? time)
            floor = placed
            return placed
        }
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
        var state = State()
        swap(&state, &self.state)
        defer { swap(&state, &self.state) }
        let more = base.read(maximumFrames: maximumFrames, maximumBytes: maximumBytes, record: { item in
            state.take(item, record: record, diagnostic: diagnostic)
        }, diagnostic: { item in
            state.take(item, diagnostic: diagnostic)
        })
        if let since = state.heldSince {
            let waitedEnough = base.liveClock.map { $0.since(since) >= Self.patience } ?? false
            if !more || waitedEnough { state.handOnHeld(before: nil, record: record, diagnostic: diagnostic) }
        }
        return more
    }
}

@available(*, unavailable)
extension NFLOGClock: Sendable {}
