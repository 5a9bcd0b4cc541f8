public import HarkCapture
public import HarkCore
public import HarkModel
public import HarkQUIC
public import HarkReassembly
import HarkTLS

/// Settings for a session, each with the default `hark` uses.
public struct SessionConfiguration: Sendable {
    /// TCP reassembly limits.
    public var reassembly = ReassemblyLimits()
    /// QUIC limits, per connection and for the session (`QUICLimits.maxBufferedBytesPerSession`).
    public var quic = QUICLimits()
    /// Whether HTTP body bytes are kept (up to the analyzers' body limits: in memory while small, then
    /// in unlinked temporary files, see `bodyStorage`). Turn it off when nothing reads bodies (`hark
    /// har --no-bodies`, `hark connections`): exchanges are still reported, with empty bodies whose
    /// lengths are counted. Default true.
    public var keepsBodies = true
    /// Whether content codings (gzip, deflate, br) are undone: decoded bodies when they are kept, and
    /// decoded lengths (`HTTPMessageBody.decodedLength`) either way. Turn it off when nothing reads
    /// either (`hark connections`) to save the decompression. Default true.
    public var decodesContent = true
    /// Most bytes each HTTP or FastCGI body's content decoding produces; nil for the analyzers' own
    /// limit (1 GiB). A view that shows only the start of bodies (`hark trace --bodies`) sets what it
    /// can use, so that a large or hostile compressed body costs only that; the body's decoding then
    /// ends with `outputLimitExceeded` at this limit. WebSocket messages are always inflated whole
    /// (their shared window must stay in step).
    public var maxDecodedBodyBytes: Int?
    /// How kept bodies are stored: the memory threshold per body, and the pool's shared memory
    /// allowance, spill directory and disk budget. Default: 256 KiB per body in memory, 16 MiB more
    /// shared, then files in `$TMPDIR` within 4 GiB shared by all bodies.
    public var bodyStorage = BodyStorageLimits()
    /// Most bytes the session's HTTP/1, HTTP/3 and FastCGI requests and HTTP/2 streams may hold together
    /// while they wait for responses, as estimated per request (a `ByteBudget`). Each analyzer bounds the
    /// requests one connection keeps waiting (HTTP/1's 64 pipelined requests, HTTP/2's 1,024 open
    /// streams, FastCGI's 256 open requests) and reassembly bounds the connections, but not their
    /// product: 20,000 connections each pipelining 64 requests never answered held 2.2 GB for a 50 MB
    /// capture. A connection
    /// whose next request does not fit gives up its own oldest waiting request (or stream), reported as an
    /// exchange without a response and counted (`SessionStatistics.waitingRequestsGivenUp`). With several
    /// `analysisThreads` each has an equal share, so which requests are given up past the budget depends
    /// on the thread count (QUIC, on the session's own thread, has one more share). Default 32 MiB (about
    /// 29,000 small HTTP/1 requests).
    public var maxWaitingRequestBytes = 32 << 20
    /// Whether protocol analyzers parse messages once a connection's protocol is known. Turn it off when
    /// only connections are shown (`hark connections`): each connection's protocol is still detected
    /// from its first bytes, and TCP analysis (events, gaps, counters) is unchanged, but no HTTP message
    /// is parsed, so no exchange and no HTTP diagnostic is reported. Default true.
    public var parsesMessages = true
    /// Whether a second thread reads and decodes packets ahead of the analysis, so that both cores
    /// work. Input that waits for data (a pipe from `tcpdump -U`) is never read ahead: its packets are
    /// analysed one by one as they arrive. Default true.
    public var readsAhead = true
    /// How many threads analyse connections. With more than one, each TCP connection is pinned to one
    /// of that many worker threads (the one with the fewest open connections when it opens), which
    /// parse its protocols and run the observer's `ExchangePreparer`, while reading, packet decoding
    /// and reassembly stay where they were; what the observer sees, and in which order, is exactly
    /// what one thread gives. Used only for input that is read ahead (a file)
    /// and without followed key logs (whose secrets come in real time); otherwise connections are
    /// analysed on the session's thread. Default 1.
    public var analysisThreads = 1
    /// NSS key log files (SSLKEYLOGFILE) with TLS secrets, read before the capture; a pcapng's
    /// Decryption Secrets Blocks add to them as they come. A malformed line is reported with its
    /// file and line number and skipped. Default none.
    public var keyLogPaths: [String] = []
    /// Key log files that grow while the capture runs (the `SSLKEYLOGFILE` of a command hark launched):
    /// read at the start and again as they grow, and TLS connections wait for their secrets within
    /// `keyWait`. Default none.
    public var followedKeyLogPaths: [String] = []
    /// How long and how much TLS input waits for secrets of a followed key log.
    public var keyWait = KeyWaitLimits()
    /// For a live capture, the TCP ports listening on this machine when it began: a connection joined
    /// without its handshake is served by the side that uses one (where ports alone would guess wrong:
    /// a server on 45200 talking to a client on 43236). Default none.
    public var listeningPorts: Set<UInt16> = []

    public init() {}
}

/// Runs one capture through the whole pipeline: capture records → packets → TCP reassembly →
/// protocol analyzers, reporting to a `SessionObserver` as it goes, in capture order.
///
/// Reassembly runs on the caller's thread, synchronously and with a single owner; reading and packet
/// decoding may run ahead on a second thread (`ReadAhead`), and the protocol analysis of connections
/// on worker threads (`SessionConfiguration.analysisThreads`, `ParallelDispatcher`), each connection
/// owned by one worker: concurrency at the edges (STYLE.md rule 11), with only whole batches
/// crossing. Bad input never stops the run: each problem becomes a `Diagnostic` and processing goes on
/// with the rest.
///
/// ### Example
/// ```swift
/// let reader = try CaptureReader(path: "trace.pcap")
/// var observer = MyObserver()
/// let statistics = CaptureSession(input: reader).run(observer: &observer)
/// ```
public struct CaptureSession {
    private let input: any CaptureInput
    private let configuration: SessionConfiguration

    /// A session over any source: a file or pipe, a live capture, or a wrapper around one.
    public init(input: any CaptureInput, configuration: SessionConfiguration = SessionConfiguration()) {
        self.input = input
        self.configuration = configuration
    }

    /// A session over a capture file or pipe.
    public init(reader: CaptureReader, configuration: SessionConfiguration = SessionConfiguration()) {
        self.init(input: reader, configuration: configuration)
    }

    /// Reads the whole capture (until end of input for a pipe, until told to stop for a live capture)
    /// and reports to `observer`.
    ///
    /// With `SessionConfiguration.readsAhead`, records are read and decoded on a second thread while
    /// this one reassembles and analyses (or, with `analysisThreads`, has worker threads analyse); the
    /// observer is called on this thread only, in the same order either way.
    ///
    /// - Returns: counts of what was read.
    public func run<Observer: SessionObserver>(observer: inout Observer) -> SessionStatistics {
        let settings = StackSettings(
            bodies: BodyHandling(
                keepsBodies: configuration.keepsBodies,
                decodesContent: configuration.decodesContent,
                maxDecodedBodyBytes: configuration.maxDecodedBodyBytes,
                storage: configuration.bodyStorage,
                waitingRequests: ByteBudget(limit: configuration.maxWaitingRequestBytes)
            ),
            parsesMessages: configuration.parsesMessages,
            keyLog: TLSKeyLog(),
            keyLogPaths: configuration.keyLogPaths + configuration.followedKeyLogPaths,
            keyWait: configuration.followedKeyLogPaths.isEmpty ? nil : configuration.keyWait
        )
        if configuration.analysisThreads > 1, configuration.readsAhead, input.returnsPartialBatches,
            configuration.followedKeyLogPaths.isEmpty,
            let dispatcher = ParallelDispatcher(
                observer: observer, captureName: input.name, settings: settings,
                keyLogPaths: configuration.keyLogPaths, workerCount: configuration.analysisThreads
            )
        {
            return drive(dispatcher, observer: &observer)
        }
        var dispatcher = StreamDispatcher(observer: observer, captureName: input.name, settings: settings)
        dispatcher.loadKeyLogs(configuration.keyLogPaths)
        dispatcher.follow(keyLogs: configuration.followedKeyLogPaths)
        return drive(dispatcher, observer: &observer)
    }

    /// Runs the whole input through `dispatcher`, then gives `observer` back.
    private func drive<Handler: SessionHandler, Observer: SessionObserver>(
        _ dispatcher: Handler, observer: inout Observer
    ) -> SessionStatistics {
        var analysis = SessionAnalysis(reassembler: makeReassembler(), quicLimits: configuration.quic, dispatcher: dispatcher)
        defer {
            // The dispatcher holds the observer as an existential (see `StreamDispatcher`); it is
            // always the `Observer` put in.
            if let updated = analysis.dispatcher.observer as? Observer { observer = updated }
        }
        return drive(&analysis)
    }

    private func makeReassembler() -> TCPReassembler {
        TCPReassembler(limits: configuration.reassembly, listeningPorts: configuration.listeningPorts)
    }

    /// Runs every batch of the input through `analysis`, then ends it.
    private func drive<Handler: SessionHandler>(_ analysis: inout SessionAnalysis<Handler>) -> SessionStatistics {
        let source = PacketSource(input: NFLOGClock(input))
        if configuration.readsAhead, input.returnsPartialBatches, let readAhead = ReadAhead(source: source) {
            while var batch = readAhead.next() {
                analysis.consume(&batch)
                readAhead.recycle(consume batch)
            }
            readAhead.stop()
        } else {
            // One frame at a time: a pipe's packets are analysed as soon as they arrive.
            var source = source
            var batch = PacketBatch()
            while !source.isFinished {
                source.fill(&batch, maximumFrames: 1, maximumBytes: .max)
                analysis.consume(&batch)
                batch.clear()
            }
        }
        var statistics = analysis.finish()
        analysis.dispatcher.captureEnded()
        statistics.liveCounts = input.liveCounts
        let keyLog = analysis.dispatcher.keyLog
        if !keyLog.isEmpty || !configuration.keyLogPaths.isEmpty || !configuration.followedKeyLogPaths.isEmpty {
            statistics.keyLogSessions = keyLog.count
        }
        return statistics
    }
}
