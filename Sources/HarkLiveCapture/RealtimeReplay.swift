#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import HarkCapture
public import HarkCore
import NIOCore

/// A capture file read at the pace it was recorded, as if live (`--realtime`): each packet is handed
/// on once as much time has passed since the first as passed in the capture, in hand-overs of at most
/// `LiveCapture.handOverMilliseconds` (40 ms) like a live capture's, with a clock in the capture's time
/// that runs on while no packet is due (idle connections age as they did). Ctrl-C or SIGTERM
/// (`StopSignal`) ends it like the end of the file.
///
/// For watching a recorded capture unfold in the live views (`hark tui`, `hark web`, `hark trace`),
/// and for measuring what a live run costs against the same analysis at the same pace: a file read
/// flat out never sleeps between hand-overs, a live capture must (BENCHMARKS.md, "Session 11").
/// Packets whose time goes backwards are handed on at once, in file order.
public final class RealtimeReplay: CaptureInputWrapper {
    /// Frames read from the file at a time, ahead of when they are due.
    static let readFrames = 512

    public let base: any CaptureInput

    /// What was read from the file and not handed on yet, in file order.
    private var waiting: [Item] = []
    private var waitingStart = 0
    private var baseEnded = false
    private var isFinished = false
    /// The first packet's capture time, and when (monotonic clock) it was handed on.
    private var origin: (capture: Timestamp, wall: Timestamp)?
    private var lastClock: Timestamp?

    private enum Item {
        case record(CaptureRecord)
        case diagnostic(Diagnostic)
    }

    public init(_ base: any CaptureInput) {
        self.base = base
    }

    public var returnsPartialBatches: Bool { true }

    /// Frames per hand-over, as a live capture's.
    public var batchFrames: Int? { LiveCapture.handOverFrames }

    /// The capture's time now: the first packet's time plus the time since it was handed on.
    public var liveClock: Timestamp? { lastClock }

    public var idleTime: TimeSpan? { nil }

    public func takeDiagnostics() -> [Diagnostic] {
        base.takeDiagnostics()
    }

    public func read(
        maximumFrames: Int,
        maximumBytes: Int,
        record: (CaptureRecord) -> Void,
        diagnostic: (Diagnostic) -> Void
    ) -> Bool {
        guard !isFinished else { return false }
        let start = monotonicNow()
        var frames = 0
        var bytes = 0
        while frames < maximumFrames, bytes < maximumBytes {
            if waitingStart == waiting.count { refill() }
            guard waitingStart < waiting.count else {
                isFinished = true
                break
            }
            let now = monotonicNow()
            if let due = dueTime(of: waiting[waitingStart]), due > now {
                // Nothing more is due yet: sleep until it is, unless the read has gathered for its
                // hand-over time (its idle time when it has nothing), as a live read does.
                let waited = now.since(start)
                // The same times as a live read's (`LiveCapture`).
                let limit = frames > 0 ? LiveCapture.handOverMilliseconds : LiveCapture.idleWaitMilliseconds
                let left = TimeSpan.milliseconds(Int64(limit)).nanoseconds &- waited.nanoseconds
                guard left > 0, sleep(nanoseconds: min(due.since(now).nanoseconds, left)) else { break }
                continue
            }
            switch waiting[waitingStart] {
            case .record(let item):
                if case .frame(let frame) = item {
                    frames &+= 1
                    bytes &+= frame.data.readableBytes
                }
                record(item)
            case .diagnostic(let found):
                diagnostic(found)
            }
            waitingStart &+= 1
        }
        if StopSignal.isRequested { isFinished = true }
        if let origin {
            lastClock = origin.capture.advanced(by: monotonicNow().since(origin.wall))
        }
        return !isFinished
    }

    /// When `item` is due (monotonic clock); nil for what is handed on at once. The first frame sets
    /// the origin and is due now.
    private func dueTime(of item: Item) -> Timestamp? {
        guard case .record(.frame(let frame)) = item else { return nil }
        guard let origin else {
            origin = (frame.timestamp, monotonicNow())
            return nil
        }
        let offset = frame.timestamp.since(origin.capture)
        return offset.nanoseconds > 0 ? origin.wall.advanced(by: offset) : nil
    }

    /// Reads the next frames of the file (and what comes with them) into `waiting`: at least one
    /// item, unless the file has ended.
    private func refill() {
        waiting.removeAll(keepingCapacity: true)
        waitingStart = 0
        // A read may find nothing to hand on (a pcapng block that describes an interface).
        while waiting.isEmpty, !baseEnded {
            let more = base.read(maximumFrames: Self.readFrames, maximumBytes: 1 << 20) { item in
                waiting.append(.record(item))
            } diagnostic: { found in
                waiting.append(.diagnostic(found))
            }
            baseEnded = !more
        }
    }

    /// Sleeps `nanoseconds`, or less when a stop is requested: false then.
    private func sleep(nanoseconds: Int64) -> Bool {
        guard !StopSignal.isRequested else { return false }
        var entry = pollfd(fd: StopSignal.descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: (nanoseconds &+ 999_999) / 1_000_000)
        _ = poll(&entry, StopSignal.descriptor >= 0 ? 1 : 0, max(milliseconds, 1))
        return !StopSignal.isRequested
    }
}

@available(*, unavailable)
extension RealtimeReplay: Sendable {}
