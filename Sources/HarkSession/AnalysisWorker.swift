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
/// call. Only whole jobs and results cross, under one lock; how many are in flight is bounded by the
/// session (`ParallelDispatcher.roundsInFlight`).
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

    /// What one job made: each event with the index, in the job, of the call that made it.
    typealias Result = [(call: Int, event: AnalysisEvent)]

    private let monitor = Monitor()
    /// Jobs not yet taken by the thread, oldest first (guarded by `monitor`).
    private var jobs: [Job] = []
    /// Results not yet taken by the session, oldest first (guarded by `monitor`).
    private var results: [Result] = []
    /// Set once no job will come (guarded by `monitor`).
    private var isStopping = false
    private var thread: pthread_t?

    /// Starts a worker whose stacks are built with `settings` (a key log and body pool of its own), and
    /// which has `preparer` prepare each exchange it finds; nil when no thread can be started.
    init?(settings: StackSettings, captureName: String, preparer: (any ExchangePreparer)?) {
        let state = WorkerState(analysis: ConnectionAnalysis(settings: settings), captureName: captureName, preparer: preparer)
        guard let started = startThread({ [self] in run(state) }) else { return nil }
        thread = started
    }

    /// Hands over the calls of one round.
    func submit(_ job: Job) {
        monitor.withLock {
            jobs.append(job)
            monitor.broadcast()
        }
    }

    /// The result of the oldest job whose result was not taken yet, waiting for it if need be.
    func takeResult() -> Result {
        monitor.withLock {
            while results.isEmpty {
                monitor.wait()
            }
            return results.removeFirst()
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
            let result = state.perform(job)
            monitor.withLock {
                results.append(result)
                monitor.broadcast()
            }
        }
    }

    private func nextJob() -> Job? {
        monitor.withLock {
            while jobs.isEmpty, !isStopping {
                monitor.wait()
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
    func perform(_ job: AnalysisWorker.Job) -> AnalysisWorker.Result {
        var collected = CollectedEvents(preparer: preparer)
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
        return collected.events
    }
}

/// A worker's sink: the events of a job, each with the index of the call being made; exchanges with
/// what the observer's preparer made of them.
private struct CollectedEvents: AnalysisSink {
    let preparer: (any ExchangePreparer)?
    var call = 0
    var events: AnalysisWorker.Result = []

    mutating func take(_ event: AnalysisEvent) {
        if let preparer, case .exchange(let exchange) = event, let prepared = preparer.prepare(exchange) {
            events.append((call: call, event: .preparedExchange(exchange, prepared: prepared)))
        } else {
            events.append((call: call, event: event))
        }
    }
}
