import HarkCapture
import HarkCore
import HarkModel
import HarkQUIC
import HarkReassembly
import HarkTLS

/// What a session's packet loop (`SessionAnalysis`) hands its results to: reassembly's streams and
/// events, and what the session itself finds. `StreamDispatcher` analyses connections on the
/// session's thread; `ParallelDispatcher` spreads them over worker threads.
protocol SessionHandler: TCPStreamHandler {
    /// The observer (the one given to the session, as an existential).
    var observer: any SessionObserver { get }
    /// Connections opened, exchanges and diagnostics reported so far (final after `complete()`).
    var connectionCount: Int { get }
    var exchangeCount: Int { get }
    var diagnosticCount: Int { get }
    /// HTTP/1, HTTP/3 and FastCGI requests and HTTP/2 streams given up because the session's waiting request
    /// budget was used up (final after `complete()`).
    var waitingRequestsGivenUp: Int { get }
    /// The session's TLS key log: the files given and the capture's own secrets.
    var keyLog: TLSKeyLog { get }
    /// A problem the session found (in a record, a frame, a key log).
    mutating func report(_ diagnostic: Diagnostic)
    /// How far the reader has got.
    mutating func progress(bytesRead: Int64)
    /// Secrets the capture carries, for the frames after them.
    mutating func add(_ secrets: DecryptionSecrets)
    /// A batch of frames was taken; `now` is the latest time the session knows. A live input's
    /// batch (`isLive`) is reported before the next is read: nothing waits for more traffic.
    mutating func batchTaken(now: Timestamp?, isLive: Bool)
    /// Reassembly ended every connection: release what waits for more input.
    mutating func inputEnded()
    /// Everything was handed over: report what is still pending, then the counts are final.
    mutating func complete()
    /// The capture ended and everything was reported (after `complete()`).
    mutating func captureEnded()
    /// Capture time has reached `now` (after each batch).
    mutating func clock(_ now: Timestamp)
    /// The number of the packet being processed, for the stacks analysed on the session's thread and
    /// for what reassembly hands over while the packet is processed.
    var packetClock: PacketClock { get }
    /// A QUIC connection was seen for the first time.
    mutating func quicConnectionOpened(_ info: TCPConnectionInfo)
    /// What a QUIC connection found (QUIC is analysed on the session's thread, see `QUICAnalysis`).
    mutating func handle(_ event: QUICEvent, slot: QUICConnectionSlot)
    /// A QUIC connection's last flow (path) ended.
    mutating func quicConnectionClosed(_ slot: QUICConnectionSlot)
}
