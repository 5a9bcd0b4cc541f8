#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HarkCapture
import HarkCore
import HarkModel
import HarkReassembly
import NIOCore

/// A thread analysing the connections pinned to it (`ParallelDispatcher`): their stacks live in its
/// own `ConnectionAnalysis`, which no other thread touches.
///
/// Concurrency at the edge (STYLE.md rule 11): the session's thread hands over one job per round (the
/// calls reassembly made for this worker's connections during one batch of frames, in order) and
/// takes back, per job and in the same order, the events the calls made, each with the index of its
/// call. Only whole jobs and pieces of their events cross, under one lock; how many jobs are in flight
/// is bounded by the session (`ParallelDispatcher.roundsInFlight`), and what their events hold by
/// `maxHeldBytes`: a job's events are handed over in pieces of about `pieceBytes` (estimated,
/// `AnalysisEvent.estimatedBytes`), and the thread waits while the pieces not yet taken hold more.
/// Without that bound one segment that gives up a hundred HTTP/2 streams, or the end of a capture
/// closing thousands of connections, made a round's events hold hundreds of MB until the merge.
final class AnalysisWorker: @unchecked Sendable {
    /// One call for a connection of this worker, in the session's order (the rare large payloads
    /// boxed, so that a job's entries stay small).
    enum Call {
        indirect case opened(TCPConnectionInfo)
        case deliver(ByteBuffer, connection: Int, direction: Direction, time: Timestamp, packetNumber: Int)
        case gap(Int, connection: Int, direction: Direction, time: Timestamp)
        case notCaptured(connection: Int, direction: Direction)
        case ended(connection: Int, direction: Direction, time: Timestamp)
        /// A TCP event the connection's slot keeps (handshake, gap).
        case note(TCPEvent)
        indirect case closed(TCPConnectionSummary)
        /// Secrets from the capture, added to this worker's copy of the key log.
        case secrets(DecryptionSecrets)
    }

    /// A call with the number of the packet the session was processing when it was made (0 for
    /// none), which the worker's packet clock shows while the call runs.
    struct Entry {
        var packet: Int
        var call: Call
    }

    /// The calls of one round, in order.
    typealias Job = [Entry]

    /// Events of one job, in order: each with the index, in the job, of the call that made it.
    typealias Events = [(call: Int, event: AnalysisEvent)]

    /// Consecutive events of one job, handed over together.
    struct Piece {
        var events: Events
        /// What the events hold, estimated (`AnalysisEvent.estimatedBytes`).
        var bytes: Int
        /// Whether this is the job's last piece.
        var endsJob: Bool
    }

    /// Most bytes (estimated) the pieces handed over and not yet taken hold, unless one piece alone
    /// holds more.
    let maxHeldBytes: Int
    /// Bytes (estimated) past which the events collected are handed over as a piece, even mid-job or
    /// mid-call.
    let pieceBytes: Int
    private let monitor = Monitor()
    /// Jobs not yet taken by the thread, oldest first (guarded by `monitor`).
    private var jobs: [Job] = []
    /// Pieces not yet taken by the session, oldest first (guarded by `monitor`).
    private var pieces: [Piece] = []
    /// What `pieces` hold, estimated (guarded by `monitor`).
    private var heldBytes = 0
    /// The most `pieces` held at once, estimated (guarded by `monitor`).
    private var peakBytes = 0
    /// Set once no job will come (guarded by `monitor`).
    private var isStopping = false
    /// Whether the thread waits, for a job or for room to hand a piece over (guarded by `monitor`).
    private var isWaiting = false
    /// Whether the thread waits for room to hand a piece over (guarded by `monitor`).
    private var waitsForRoom = false
    /// Threads in `waitUntilWaiting` (guarded by `monitor`).
    private var watchers = 0
    private var thread: pthread_t?

    /// Starts a worker whose stacks are built with `settings` (a key log and body pool of its own), and
    /// which has `preparer` prepare each exchange it finds, holding at most `maxHeldBytes` (estimated)
    /// of events not yet taken; nil when no thread can be started.
    init?(settings: StackSettings, captureName: String, preparer: (any ExchangePreparer)?, maxHeldBytes: Int) {
        self.maxHeldBytes = max(1, maxHeldBytes)
        pieceBytes = max(1, min(256 << 10, maxHeldBytes / 4))
        let state = WorkerState(analysis: ConnectionAnalysis(settings: settings), captureName: captureName, preparer: preparer)
        guard let started = startThread({ [self] in run(state) }) else { return nil }
        thread = started
    }

    /// The most bytes (estimated) the pieces handed over and not yet taken held at once so far.
    var peakHeldBytes: Int {
        monitor.withLock { peakBytes }
    }

    /// Hands over the calls of one round.
    func submit(_ job: Job) {
        monitor.withLock {
            jobs.append(job)
            monitor.broadcast()
        }
    }

    /// The oldest piece not taken yet, waiting for it if need be.
    func takePiece() -> Piece {
        monitor.withLock {
            while pieces.isEmpty {
                monitor.wait()
            }
            let piece = pieces.removeFirst()
            heldBytes &-= piece.bytes
            // Waking the thread only when it waits for room: it mostly waits for a job.
            if waitsForRoom { monitor.broadcast() }
            return piece
        }
    }

    /// Waits until the thread has taken every job handed over and waits, for another job or for room
    /// to hand a piece over: what it will do without the session's thread doing more is done.
    func waitUntilWaiting() {
        monitor.withLock {
            watchers += 1
            while !jobs.isEmpty || !isWaiting {
                monitor.wait()
            }
            watchers -= 1
        }
    }

    /// Ends the thread once it has done the jobs handed over, and waits for it.
    func stop() {
        monitor.withLock {
            isStopping = true
            monitor.broadcast()
        }
        guard let running = thread else { return }
        thread = nil
        pthread_join(running, nil)
    }

    // MARK: - The worker's thread

    private func run(_ state: WorkerState) {
        while let job = nextJob() {
            var collected = CollectedEvents(worker: self, preparer: state.preparer)
            state.perform(job, into: &collected)
            collected.handOver(endsJob: true)
        }
    }

    /// Hands over a piece, first waiting while the pieces not yet taken hold too much to add it.
    fileprivate func handOver(_ piece: Piece) {
        monitor.withLock {
            while heldBytes > 0, heldBytes &+ piece.bytes > maxHeldBytes, !isStopping {
                waitsForRoom = true
                waitHoldingLock()
            }
            waitsForRoom = false
            pieces.append(piece)
            heldBytes &+= piece.bytes
            peakBytes = max(peakBytes, heldBytes)
            monitor.broadcast()
        }
    }

    /// The thread's wait, inside `monitor.withLock`, telling `waitUntilWaiting` it waits.
    private func waitHoldingLock() {
        isWaiting = true
        if watchers > 0 { monitor.broadcast() }
        monitor.wait()
        isWaiting = false
    }

    private func nextJob() -> Job? {
        monitor.withLock {
            while jobs.isEmpty, !isStopping {
                waitHoldingLock()
            }
            return jobs.isEmpty ? nil : jobs.removeFirst()
        }
    }
}

/// What a worker's thread owns: the stacks of its connections.
private final class WorkerState {
    /// Unchecked: only the worker's thread touches it, one call at a time, and a dynamic exclusivity
    /// check cost ~85 instructions a call (release, callgrind).
    @exclusivity(unchecked) var analysis: ConnectionAnalysis
    let captureName: String
    /// The observer's preparer, called for each exchange found.
    let preparer: (any ExchangePreparer)?

    init(analysis: ConnectionAnalysis, captureName: String, preparer: (any ExchangePreparer)?) {
        self.analysis = analysis
        self.captureName = captureName
        self.preparer = preparer
    }

    /// Makes the calls of one job, in order, collecting their events.
    func perform(_ job: AnalysisWorker.Job, into collected: inout CollectedEvents) {
        let clock = analysis.settings.packetClock
        defer { clock.number = 0 }
        for (index, entry) in job.enumerated() {
            collected.call = index
            clock.number = entry.packet
            switch entry.call {
            case .opened(let info):
                analysis.open(info)
            case .deliver(let bytes, let connection, let direction, let time, let packetNumber):
                analysis.deliver(bytes, connection: connection, direction: direction, at: time, packetNumber: packetNumber, into: &collected)
            case .gap(let length, let connection, let direction, let time):
                analysis.gap(length, connection: connection, direction: direction, at: time, into: &collected)
            case .notCaptured(let connection, let direction):
                analysis.directionNotCaptured(connection: connection, direction: direction)
            case .ended(let connection, let direction, let time):
                analysis.streamEnded(connection: connection, direction: direction, at: time, into: &collected)
            case .note(let event):
                analysis.note(event)
            case .closed(let summary):
                analysis.close(summary, into: &collected)
            case .secrets(let secrets):
                // The session's own key log reports what is wrong with them.
                analysis.settings.keyLog.add(secrets, captureName: captureName) { _ in }
            }
        }
    }
}

/// A worker's sink: the events of a job, each with the index of the call being made (exchanges with
/// what the observer's preparer made of them), handed over in pieces of `AnalysisWorker.pieceBytes`.
private struct CollectedEvents: AnalysisSink {
    let worker: AnalysisWorker
    let preparer: (any ExchangePreparer)?
    var call = 0
    private var events: AnalysisWorker.Events = []
    private var bytes = 0

    init(worker: AnalysisWorker, preparer: (any ExchangePreparer)?) {
        self.worker = worker
        self.preparer = preparer
    }

    mutating func take(_ event: AnalysisEvent) {
        bytes &+= event.estimatedBytes
        if let preparer, case .exchange(let exchange) = event, let prepared = preparer.prepare(exchange) {
            events.append((call: call, event: .preparedExchange(exchange, prepared: prepared)))
        } else {
            events.append((call: call, event: event))
        }
        if bytes >= worker.pieceBytes { handOver(endsJob: false) }
    }

    /// Hands the events collected over as a piece (the job's last with `endsJob`) and starts anew.
    mutating func handOver(endsJob: Bool) {
        var piece = AnalysisWorker.Piece(events: [], bytes: bytes, endsJob: endsJob)
        swap(&piece.events, &events)
        bytes = 0
        worker.handOver(piece)
    }
}

/// Where the session's thread is in one worker's events: the piece being merged, taken from the
/// worker piece by piece as the merge needs them. Only the session's thread touches it.
struct WorkerEventReader {
    let worker: AnalysisWorker
    private var events: AnalysisWorker.Events = []
    private var next = 0
    /// Whether the last piece taken ended its job: no event of the job comes after `events`.
    private var jobEnded = true

    init(_ worker: AnalysisWorker) {
        self.worker = worker
    }

    /// Starts on the events of the worker's next job (the previous one read to its end).
    mutating func startJob() {
        jobEnded = false
    }

    /// The job's next event, moved out, if the call that made it is at most `call`; nil once the
    /// job has no more events of such calls. Waits for the worker to hand its next piece over if need be.
    mutating func next(upTo call: Int) -> AnalysisEvent? {
        guard next < events.count || takePiece(), events[next].call <= call else { return nil }
        // Moved out, not copied: an exchange holds many references.
        var event = AnalysisEvent.detected(.none)
        swap(&event, &events[next].event)
        next += 1
        return event
    }

    /// Takes the job's next piece with events; false once the job has no more.
    private mutating func takePiece() -> Bool {
        while next == events.count {
            guard !jobEnded else { return false }
            let piece = worker.takePiece()
            events = piece.events
            next = 0
            jobEnded = piece.endsJob
        }
        return true
    }
}
