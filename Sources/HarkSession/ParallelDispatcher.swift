import HarkCapture
import HarkCore
import HarkModel
import HarkQUIC
import HarkReassembly
import HarkTLS
import NIOCore

/// Sits behind reassembly like `StreamDispatcher`, but analyses connections on worker threads: each
/// connection is pinned to one `AnalysisWorker`, the one with the fewest open connections when it
/// opens, so the protocol stacks of different connections run on different cores and share the work
/// out, while everything the observer sees comes out in exactly the order a single-threaded session
/// gives.
///
/// How the order is kept: reassembly runs here, in capture order. Each of its calls is either for the
/// observer directly (a connection opened, a TCP event, a packet fact, a diagnostic of the session)
/// or for a connection's stack; the latter is appended to its worker's job for the round, and a mark
/// naming the worker and the call's index in that job to the round's list, where the observer's own
/// items go too. A round is one batch of frames. When a round is merged, its list is walked in
/// order: an observer item is reported, a worker mark reports the events its call made (the worker
/// tags each event with its call's index). So the merge replays the single-threaded order by
/// construction; `SessionOutput` then numbers exchanges and messages and links hops across
/// connections in that order. What the observer can do for one exchange on its own (its
/// `ExchangePreparer`: `hark har` serialises the entry) is done on the worker too.
///
/// Memory stays bounded: at most `roundsInFlight` rounds are handed over and not merged; the
/// session's thread merges the oldest (waiting for its workers if need be) before it reads on. What the
/// workers found and the merge has not taken is bounded too, by `maxHeldEventBytes` shared out between
/// them: a worker hands its events over in pieces and waits while its pieces hold its share, so that
/// calls that release far more than they take in (one segment giving up a hundred HTTP/2 streams) are
/// bounded by what they release, not by how many calls a round holds. A live input's rounds are
/// merged at once, so that nothing waits for more traffic to be shown.
struct ParallelDispatcher: SessionHandler {
    /// Rounds (batches of frames) handed to the workers and not yet merged: enough to keep every
    /// worker busy, few enough that the capture chunks they hold on to, with the read-ahead
    /// batches, stay within the chunks the reader reuses (`ChunkedInput.reusedChunks`).
    static let roundsInFlight = 3
    /// Merge items a round holds at most: past them the round is handed over at once, even within a
    /// batch, so that one step that makes many calls (the end of a capture closing 300,000 connections,
    /// each with an exchange to report) is analysed and merged in pieces, with at most `roundsInFlight`
    /// rounds' events held, instead of in one round whose events all wait for the merge.
    static let maxRoundItems = 4096
    /// Connections a round closes at most: a connection's end may release everything it held at once
    /// (64 pipelined requests never answered become 64 exchanges), which its worker then holds until
    /// the merge, so the end of a capture or a burst of evictions is cut finer than other calls. A
    /// normal round closes far fewer (a connection takes several frames), so it is not cut.
    static let maxRoundClosings = 256
    /// Most bytes (estimated, `AnalysisEvent.estimatedBytes`) that the events the workers found and the
    /// merge has not taken yet hold, shared out equally between the workers (at least 1 MiB each): about
    /// 8,000 exchanges without a response, about 10 MB. Far more than a round of ordinary traffic makes,
    /// so that the workers do not wait for the merge.
    static let maxHeldEventBytes = 16 << 20

    /// What a round's merge does, in order. The rare large payloads are boxed (`indirect`), so that
    /// an item, of which a round holds one or more per packet, stays small to append and to merge.
    private enum MergeItem {
        indirect case opened(TCPConnectionInfo)
        case tcpEvent(TCPEvent)
        case packet(PacketFact)
        indirect case diagnostic(Diagnostic)
        case progress(Int64)
        case releaseHops(Timestamp?)
        case clock(Timestamp)
        /// What the session's own analysis (QUIC) found.
        case event(AnalysisEvent)
        /// The events made by call `call` of worker `worker`'s job in this round.
        case worker(Int, call: Int)
    }

    /// One batch's worth of work, handed over and not yet merged.
    private struct Round {
        var items: [MergeItem]
        /// Which workers were given a job in this round.
        var hasJob: [Bool]
    }

    private var output: SessionOutput
    /// The session's settings: its key log and packet clock, and what QUIC stacks are built with.
    private let settings: StackSettings
    let wantsPacketFacts: Bool
    /// The kinds of the TCP events of the packet being processed, for its fact.
    private var packetKinds = PendingPacketKinds()
    let keyLog: TLSKeyLog
    private(set) var connectionCount = 0
    private let workers: [AnalysisWorker]
    /// The calls of the round being built, per worker.
    private var jobs: [AnalysisWorker.Job]
    /// The merge items of the round being built.
    private var items: [MergeItem] = []
    /// Connections closed in the round being built.
    private var closingsInRound = 0
    /// Rounds handed over, oldest first.
    private var rounds: [Round] = []
    /// The worker of each open connection.
    private var workerOfConnection: [Int: Int] = [:]
    /// Payload bytes handed to each worker so far.
    private var bytesHandedOver: [Int]
    /// Connections open on each worker.
    private var openConnections: [Int]
    /// Set by `complete()`: every item was merged and the workers stopped.
    private var isComplete = false
    /// The workers' and QUIC's shares of the session's waiting request budget, for the count of requests
    /// given up.
    private let waitingRequestBudgets: [ByteBudget]
    /// Where the merge is in each worker's events.
    private var readers: [WorkerEventReader]
    /// The connection last looked up and its worker: segments of one connection come in runs.
    private var lastConnection = -1
    private var lastWorker = 0

    /// Starts `workerCount` workers whose stacks are built with `settings` (each with a copy of the key
    /// log read from `keyLogPaths`, and an equal share of the body storage and waiting request budgets);
    /// nil when a thread cannot be started. QUIC, analysed on the session's thread, has a share of the
    /// waiting request budget as large as a worker's.
    init?(observer: any SessionObserver, captureName: String, settings: StackSettings, keyLogPaths: [String], workerCount: Int) {
        output = SessionOutput(observer: observer, captureName: captureName, parsesMessages: settings.parsesMessages)
        var sessionSettings = settings
        sessionSettings.bodies.waitingRequests = settings.bodies.waitingRequests?.share(of: max(1, workerCount))
        self.settings = sessionSettings
        wantsPacketFacts = observer.wantsPacketFacts
        keyLog = settings.keyLog
        var found: [Diagnostic] = []
        keyLog.load(keyLogPaths) { found.append($0) }
        let count = max(1, workerCount)
        let preparer = observer.exchangePreparer
        var started: [AnalysisWorker] = []
        var budgets: [ByteBudget] = []
        for _ in 0..<count {
            let own = Self.workerSettings(settings, workerCount: count)
            if let budget = own.bodies.waitingRequests { budgets.append(budget) }
            let held = max(1 << 20, Self.maxHeldEventBytes / count)
            guard let worker = AnalysisWorker(settings: own, captureName: captureName, preparer: preparer, maxHeldBytes: held) else {
                for worker in started { worker.stop() }
                return nil
            }
            started.append(worker)
        }
        workers = started
        waitingRequestBudgets = budgets + (sessionSettings.bodies.waitingRequests.map { [$0] } ?? [])
        jobs = Array(repeating: [], count: started.count)
        readers = started.map(WorkerEventReader.init)
        bytesHandedOver = Array(repeating: 0, count: started.count)
        openConnections = Array(repeating: 0, count: started.count)
        items = found.map(MergeItem.diagnostic)
    }

    var observer: any SessionObserver { output.observer }
    var exchangeCount: Int { output.exchangeCount }
    var waitingRequestsGivenUp: Int { waitingRequestBudgets.reduce(0) { $0 &+ $1.givenUpCount } }
    var diagnosticCount: Int { output.diagnosticCount }
    var packetClock: PacketClock { settings.packetClock }

    /// A worker's settings: a key log and packet clock of its own, and body storage and waiting request
    /// budgets shared out equally, so that what runs out, if anything, is the same from run to run.
    private static func workerSettings(_ settings: StackSettings, workerCount: Int) -> StackSettings {
        var own = settings
        own.keyLog = settings.keyLog.copy()
        own.packetClock = PacketClock()
        let pool = settings.bodies.storage.pool
        own.bodies.storage.pool = BodyStoragePool(
            directory: pool.directory,
            maxMemoryBytes: pool.maxMemoryBytes / workerCount,
            maxDiskBytes: pool.maxDiskBytes / workerCount,
            maxDecodedBytes: pool.maxDecodedBytes / workerCount
        )
        own.bodies.waitingRequests = settings.bodies.waitingRequests?.share(of: workerCount)
        return own
    }

    /// The worker a new connection is pinned to: the one with the fewest open connections, of those the
    /// one handed the fewest payload bytes so far, of those the first. Decided in capture order from
    /// the capture alone, so the same from run to run.
    private var leastLoadedWorker: Int {
        workers.indices.min { (openConnections[$0], bytesHandedOver[$0]) < (openConnections[$1], bytesHandedOver[$1]) } ?? 0
    }

    // MARK: - The session's calls

    mutating func report(_ diagnostic: Diagnostic) {
        // Once everything was merged (the session's closing counts), straight to the output.
        guard !isComplete else { return output.report(diagnostic) }
        items.append(.diagnostic(diagnostic))
    }

    mutating func progress(bytesRead: Int64) {
        items.append(.progress(bytesRead))
    }

    mutating func add(_ secrets: DecryptionSecrets) {
        var found: [Diagnostic] = []
        keyLog.add(secrets, captureName: output.captureName) { found.append($0) }
        items.append(contentsOf: found.map(MergeItem.diagnostic))
        for worker in jobs.indices { jobs[worker].append(.init(packet: settings.packetClock.number, call: .secrets(secrets))) }
    }

    mutating func batchTaken(now: Timestamp?, isLive: Bool) {
        items.append(.releaseHops(now))
        endRound()
        if isLive {
            while !rounds.isEmpty { mergeOldest() }
        }
    }

    mutating func inputEnded() {
        items.append(.releaseHops(nil))
    }

    mutating func complete() {
        endRound()
        while !rounds.isEmpty { mergeOldest() }
        for worker in workers { worker.stop() }
        isComplete = true
    }

    mutating func captureEnded() {
        output.observer.captureEnded()
    }

    mutating func clock(_ now: Timestamp) {
        items.append(.clock(now))
    }

    mutating func quicConnectionOpened(_ info: TCPConnectionInfo) {
        connectionCount += 1
        items.append(.opened(info))
    }

    mutating func handle(_ event: QUICEvent, slot: QUICConnectionSlot) {
        var found = SessionEvents()
        QUICAnalysis.handle(event, slot: slot, settings: settings, into: &found)
        items.append(contentsOf: found.events.map(MergeItem.event))
    }

    mutating func quicConnectionClosed(_ slot: QUICConnectionSlot) {
        var found = SessionEvents()
        QUICAnalysis.close(slot, settings: settings, into: &found)
        items.append(contentsOf: found.events.map(MergeItem.event))
    }

    // MARK: - Reassembly's calls

    mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        connectionCount += 1
        let worker = leastLoadedWorker
        openConnections[worker] += 1
        workerOfConnection[connection.id] = worker
        jobs[worker].append(.init(packet: settings.packetClock.number, call: .opened(connection)))
        items.append(.opened(connection))
        endRoundIfFull()
    }

    mutating func deliver(_ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp, packetNumber: Int) {
        guard let worker = worker(of: connection) else { return }
        bytesHandedOver[worker] &+= bytes.readableBytes
        call(worker, .deliver(bytes, connection: connection, direction: direction, time: time, packetNumber: packetNumber))
    }

    mutating func gap(_ length: Int, connection: Int, direction: Direction, at time: Timestamp) {
        guard let worker = worker(of: connection) else { return }
        call(worker, .gap(length, connection: connection, direction: direction, time: time))
    }

    mutating func directionNotCaptured(connection: Int, direction: Direction) {
        guard let worker = worker(of: connection) else { return }
        jobs[worker].append(.init(packet: settings.packetClock.number, call: .notCaptured(connection: connection, direction: direction)))
    }

    mutating func streamEnded(connection: Int, direction: Direction, reason: StreamEndReason, at time: Timestamp) {
        guard let worker = worker(of: connection) else { return }
        call(worker, .ended(connection: connection, direction: direction, time: time))
    }

    mutating func tcpEvent(_ event: TCPEvent) {
        if ConnectionSlot.keeps(event), let worker = worker(of: event.connectionID) {
            jobs[worker].append(.init(packet: settings.packetClock.number, call: .note(event)))
        }
        if wantsPacketFacts { packetKinds.note(event) }
        items.append(.tcpEvent(event))
        endRoundIfFull()
    }

    mutating func packet(_ fact: PacketFact) {
        var fact = fact
        fact.kinds = packetKinds.take(for: fact)
        items.append(.packet(fact))
        endRoundIfFull()
    }

    mutating func connectionClosed(_ summary: TCPConnectionSummary) {
        guard let worker = workerOfConnection.removeValue(forKey: summary.info.id) else { return }
        openConnections[worker] -= 1
        if lastConnection == summary.info.id { lastConnection = -1 }
        closingsInRound += 1
        call(worker, .closed(summary))
    }

    // MARK: - Rounds

    /// The worker of an open connection.
    private mutating func worker(of connection: Int) -> Int? {
        if connection == lastConnection { return lastWorker }
        guard let worker = workerOfConnection[connection] else { return nil }
        lastConnection = connection
        lastWorker = worker
        return worker
    }

    /// Appends a call that may make events, and its mark. The call takes the number of the packet
    /// being processed with it, for the worker's packet clock.
    private mutating func call(_ worker: Int, _ call: AnalysisWorker.Call) {
        items.append(.worker(worker, call: jobs[worker].count))
        jobs[worker].append(.init(packet: settings.packetClock.number, call: call))
        endRoundIfFull()
    }

    /// Hands the round over when it holds `maxRoundItems` items or has closed `maxRoundClosings`
    /// connections.
    private mutating func endRoundIfFull() {
        if items.count >= Self.maxRoundItems || closingsInRound >= Self.maxRoundClosings { endRound() }
    }

    /// Hands the round's jobs over; merges the oldest rounds while too many are in flight.
    private mutating func endRound() {
        closingsInRound = 0
        var hasJob = Array(repeating: false, count: workers.count)
        for worker in workers.indices where !jobs[worker].isEmpty {
            // The next round's job starts with room for as many calls as this one's: no regrowing.
            var job: AnalysisWorker.Job = []
            job.reserveCapacity(jobs[worker].count)
            swap(&job, &jobs[worker])
            workers[worker].submit(job)
            hasJob[worker] = true
        }
        guard !items.isEmpty || hasJob.contains(true) else { return }
        var round: [MergeItem] = []
        round.reserveCapacity(items.count)
        swap(&round, &items)
        rounds.append(Round(items: round, hasJob: hasJob))
        while rounds.count > Self.roundsInFlight { mergeOldest() }
    }

    /// Reports the oldest round, in order, taking its workers' events as they come.
    private mutating func mergeOldest() {
        let round = rounds.removeFirst()
        for worker in workers.indices where round.hasJob[worker] {
            readers[worker].startJob()
        }
        for item in round.items {
            switch item {
            case .worker(let worker, let call):
                while let event = readers[worker].next(upTo: call) {
                    output.take(event)
                }
            case .opened(let connection): output.observer.connectionOpened(connection)
            case .tcpEvent(let event): output.report(event)
            case .packet(let fact): output.observer.packet(fact)
            case .diagnostic(let diagnostic): output.report(diagnostic)
            case .progress(let bytesRead): output.observer.progress(bytesRead: bytesRead)
            case .releaseHops(let now): output.releaseHeldHops(now: now)
            case .clock(let now): output.observer.clock(now)
            case .event(let event): output.take(event)
            }
        }
        // The rest of each job: its last piece (calls without a mark make no event).
        for worker in workers.indices where round.hasJob[worker] {
            while let event = readers[worker].next(upTo: .max) {
                output.take(event)
            }
        }
    }
}

/// The events of the session's own analysis (QUIC), collected to be merged in order.
private struct SessionEvents: AnalysisSink {
    var events: [AnalysisEvent] = []

    mutating func take(_ event: AnalysisEvent) {
        events.append(event)
    }
}
