import HarkCapture
import HarkCore
import HarkModel
import HarkQUIC
import HarkReassembly
import HarkTLS
import NIOCore

/// Sits behind reassembly on the session's thread: gives each connection's bytes to its protocol
/// stack (`ConnectionAnalysis`) and what the protocols find straight to the output (`SessionOutput`).
///
/// Not generic over the observer, which is called per connection, event and exchange, not per packet:
/// this keeps reassembly's per-packet calls into the dispatcher specialised and direct (a generic
/// dispatcher made each one look up type metadata and go through a witness table).
struct StreamDispatcher: SessionHandler {
    private var analysis: ConnectionAnalysis
    private var output: SessionOutput
    /// Whether the observer asked for packet facts (read once: reassembly checks it per packet).
    let wantsPacketFacts: Bool
    /// The kinds of the TCP events of the packet being processed, for its fact.
    private var packetKinds = PendingPacketKinds()
    private(set) var connectionCount = 0
    /// Key logs read again as they grow.
    private var followedKeyLogs: [KeyLogTail] = []

    init(observer: any SessionObserver, captureName: String, settings: StackSettings) {
        self.analysis = ConnectionAnalysis(settings: settings)
        self.output = SessionOutput(observer: observer, captureName: captureName, parsesMessages: settings.parsesMessages)
        self.wantsPacketFacts = observer.wantsPacketFacts
    }

    var observer: any SessionObserver { output.observer }
    var exchangeCount: Int { output.exchangeCount }
    /// Slots made so far: connections that showed more than a handshake. // private but tests
    var slotsMade: Int { analysis.slotsMade }
    var diagnosticCount: Int { output.diagnosticCount }
    /// What every connection's stack is built with, the TLS key log included.
    var settings: StackSettings { analysis.settings }
    var keyLog: TLSKeyLog { settings.keyLog }

    /// Reads NSS key log files into the key log, reporting unreadable files and malformed lines.
    mutating func loadKeyLogs(_ paths: [String]) {
        settings.keyLog.load(paths) { output.report($0) }
    }

    /// Follows key logs that grow while the capture runs: reads what they hold now, then more at each
    /// batch.
    mutating func follow(keyLogs paths: [String]) {
        followedKeyLogs = paths.map(KeyLogTail.init(path:))
        followKeyLogs(now: nil)
    }

    /// Reads what the followed key logs gained, then replays the TLS input of connections whose
    /// secrets came or whose wait is over (`now`: the latest time the session knows).
    private mutating func followKeyLogs(now: Timestamp?) {
        for tail in followedKeyLogs {
            for diagnostic in tail.poll(into: settings.keyLog) { output.report(diagnostic) }
        }
        if analysis.isHolding { analysis.releaseHeld(now: now, force: false, into: &output) }
    }

    mutating func add(_ secrets: DecryptionSecrets) {
        settings.keyLog.add(secrets, captureName: output.captureName) { output.report($0) }
    }

    mutating func report(_ diagnostic: Diagnostic) {
        output.report(diagnostic)
    }

    mutating func progress(bytesRead: Int64) {
        output.observer.progress(bytesRead: bytesRead)
    }

    mutating func batchTaken(now: Timestamp?, isLive: Bool) {
        followKeyLogs(now: now)
        output.releaseHeldHops(now: now)
    }

    mutating func inputEnded() {
        analysis.releaseHeld(now: nil, force: true, into: &output)
        output.releaseHeldHops(now: nil)
    }

    mutating func complete() {}

    mutating func captureEnded() {
        output.observer.captureEnded()
    }

    mutating func clock(_ now: Timestamp) {
        output.observer.clock(now)
    }

    var packetClock: PacketClock { settings.packetClock }
    var waitingRequestsGivenUp: Int { settings.bodies.waitingRequests?.givenUpCount ?? 0 }

    mutating func quicConnectionOpened(_ info: TCPConnectionInfo) {
        connectionCount += 1
        output.observer.connectionOpened(info)
    }

    mutating func handle(_ event: QUICEvent, slot: QUICConnectionSlot) {
        QUICAnalysis.handle(event, slot: slot, settings: settings, into: &output)
    }

    mutating func quicConnectionClosed(_ slot: QUICConnectionSlot) {
        QUICAnalysis.close(slot, settings: settings, into: &output)
    }

    // MARK: - Reassembly's calls

    mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        connectionCount += 1
        analysis.open(connection)
        output.observer.connectionOpened(connection)
    }

    mutating func deliver(_ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp, packetNumber: Int) {
        analysis.deliver(bytes, connection: connection, direction: direction, at: time, packetNumber: packetNumber, into: &output)
    }

    mutating func gap(_ length: Int, connection: Int, direction: Direction, at time: Timestamp) {
        analysis.gap(length, connection: connection, direction: direction, at: time, into: &output)
    }

    mutating func directionNotCaptured(connection: Int, direction: Direction) {
        analysis.directionNotCaptured(connection: connection, direction: direction)
    }

    mutating func streamEnded(connection: Int, direction: Direction, reason: StreamEndReason, at time: Timestamp) {
        analysis.streamEnded(connection: connection, direction: direction, at: time, into: &output)
    }

    mutating func tcpEvent(_ event: TCPEvent) {
        analysis.note(event)
        if wantsPacketFacts { packetKinds.note(event) }
        output.report(event)
    }

    mutating func packet(_ fact: PacketFact) {
        var fact = fact
        fact.kinds = packetKinds.take(for: fact)
        output.observer.packet(fact)
    }

    mutating func connectionClosed(_ summary: TCPConnectionSummary) {
        analysis.close(summary, into: &output)
    }
}
