public import HarkCapture
import HarkCore
import HarkPacket
import HarkTLS
public import HarkReassembly
import NIOCore

/// Settings for a session, each with the default `hark` uses.
public struct SessionConfiguration: Sendable {
    /// TCP reassembly limits.
    public var reassembly = ReassemblyLimits()
    /// Whether HTTP bodies are kept (up to the HTTP/1 body limit) and their content codings undone.
    /// Turn it off when nothing reads bodies or decoded sizes (`hark connections`): exchanges are
    /// still reported, with empty, truncated bodies whose lengths are counted. Default true.
    public var keepsBodies = true
    /// Whether protocol analyzers parse messages once a connection's protocol is known. Turn it off when
    /// only connections are shown (`hark connections`): each connection's protocol is still detected
    /// from its first bytes, and TCP analysis (events, gaps, counters) is unchanged, but no HTTP message
    /// is parsed, so no exchange and no HTTP diagnostic is reported. Default true.
    public var parsesMessages = true
    /// Whether a second thread reads and decodes packets ahead of the analysis, so that both cores
    /// work. Input that waits for data (a pipe from `tcpdump -U`) is never read ahead: its packets are
    /// analysed one by one as they arrive. Default true.
    public var readsAhead = true
    /// NSS key log files (SSLKEYLOGFILE) with TLS secrets, read before the capture; a pcapng's
    /// Decryption Secrets Blocks add to them as they come. A malformed line is reported with its
    /// file and line number and skipped. Default none.
    public var keyLogPaths: [String] = []

    public init() {}
}

/// Runs one capture through the whole pipeline: capture records → packets → TCP reassembly →
/// protocol analyzers, reporting to a `SessionObserver` as it goes, in capture order.
///
/// The hot path is synchronous with a single owner (STYLE.md rule 11). Bad input never stops the run:
/// each problem becomes a `Diagnostic` and processing goes on with the rest.
///
/// ### Example
/// ```swift
/// let reader = try CaptureReader(path: "trace.pcap")
/// var observer = MyObserver()
/// let statistics = CaptureSession(reader: reader).run(observer: &observer)
/// ```
public struct CaptureSession {
    private let reader: CaptureReader
    private let configuration: SessionConfiguration

    public init(reader: CaptureReader, configuration: SessionConfiguration = SessionConfiguration()) {
        self.reader = reader
        self.configuration = configuration
    }

    /// Reads the whole capture (until end of input for a pipe) and reports to `observer`.
    ///
    /// With `SessionConfiguration.readsAhead`, records are read and decoded on a second thread while
    /// this one reassembles and analyses; the observer is called on this thread only, in the same
    /// order either way.
    ///
    /// - Returns: counts of what was read.
    public func run<Observer: SessionObserver>(observer: inout Observer) -> SessionStatistics {
        var analysis = SessionAnalysis(
            reassembler: TCPReassembler(limits: configuration.reassembly),
            dispatcher: StreamDispatcher(
                observer: observer,
                captureName: reader.name,
                settings: StackSettings(
                    keepsBodies: configuration.keepsBodies,
                    parsesMessages: configuration.parsesMessages,
                    keyLog: TLSKeyLog()
                )
            )
        )
        analysis.dispatcher.loadKeyLogs(configuration.keyLogPaths)
        defer {
            // The dispatcher holds the observer as an existential (see `StreamDispatcher`); it is
            // always the `Observer` put in.
            if let updated = analysis.dispatcher.observer as? Observer { observer = updated }
        }
        let source = PacketSource(reader: reader)
        if configuration.readsAhead, !reader.waitsForInput, let readAhead = ReadAhead(source: source) {
            while var batch = readAhead.next() {
                analysis.consume(&batch)
                readAhead.recycle(batch)
            }
            readAhead.stop()
        } else {
            // One frame at a time: a live capture's packets are analysed as soon as they arrive.
            var source = source
            var batch = PacketBatch()
            while !source.isFinished {
                source.fill(&batch, maximumFrames: 1, maximumBytes: .max)
                analysis.consume(&batch)
                batch.clear()
            }
        }
        return analysis.finish()
    }
}

/// The analysing half of a session: statistics, reassembly and the protocol stacks behind it.
private struct SessionAnalysis {
    var statistics = SessionStatistics()
    var reassembler: TCPReassembler
    var dispatcher: StreamDispatcher

    init(reassembler: TCPReassembler, dispatcher: StreamDispatcher) {
        self.reassembler = reassembler
        self.dispatcher = dispatcher
    }

    /// Takes one batch's frames, diagnostics and secrets, in order, moving the frames out of it.
    mutating func consume(_ batch: inout PacketBatch) {
        var nextNote = 0
        for index in batch.frames.indices {
            while nextNote < batch.notes.count, batch.notes[nextNote].position <= index {
                take(batch.notes[nextNote].note)
                nextNote += 1
            }
            take(batch.takeFrame(at: index), bytesRead: batch.bytesRead)
        }
        while nextNote < batch.notes.count {
            take(batch.notes[nextNote].note)
            nextNote += 1
        }
    }

    private mutating func take(_ note: BatchNote) {
        switch note {
        case .diagnostic(let diagnostic): dispatcher.report(diagnostic)
        case .secrets(let secrets): dispatcher.add(secrets)
        }
    }

    private mutating func take(_ frame: consuming DecodedFrame, bytesRead: Int64) {
        statistics.frames += 1
        if statistics.frames & 0xfff == 0 {
            dispatcher.observer.progress(bytesRead: bytesRead)
        }
        statistics.capturedBytes += Int64(frame.capturedBytes)
        if frame.isTruncated { statistics.truncatedFrames += 1 }
        let timestamp = frame.timestamp
        let fileOffset = frame.fileOffset

        let number = frame.number
        let packet = frame.packet
        _ = consume frame
        switch consume packet {
        case .tcp(let segment):
            statistics.tcpSegments += 1
            reassembler.process(segment, at: timestamp, packetNumber: number, handler: &dispatcher)
        case .other(let traffic):
            statistics.otherTraffic[traffic.description, default: 0] += 1
        case .fragmentHeld:
            statistics.heldFragments += 1
        case .malformed(let error) where error.isInReassembledDatagram:
            statistics.malformedFrames += 1
            dispatcher.report(Diagnostic(.error, error.description, packetNumber: number))
        case .malformed(let error):
            statistics.malformedFrames += 1
            dispatcher.report(Diagnostic(.error, error.description, packetNumber: number, byteOffset: fileOffset))
        }
    }

    /// Ends every connection still open and returns the counts.
    mutating func finish() -> SessionStatistics {
        reassembler.finish(handler: &dispatcher)
        statistics.connections = dispatcher.connectionCount
        statistics.exchanges = dispatcher.exchangeCount
        statistics.diagnostics = dispatcher.diagnosticCount
        return statistics
    }
}
