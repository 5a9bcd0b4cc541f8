public import HarkCapture
public import HarkCore
import HarkPacket
public import HarkReassembly
import NIOCore

/// Settings for a session, each with the default `hark` uses.
public struct SessionConfiguration: Sendable {
    /// TCP reassembly limits.
    public var reassembly = ReassemblyLimits()
    /// Whether HTTP body bytes are kept (up to the analyzers' body limits: in memory while small, then
    /// in unlinked temporary files, see `bodyStorage`). Turn it off when nothing reads bodies (`hark
    /// har --no-bodies`, `hark connections`): exchanges are still reported, with empty bodies whose
    /// lengths are counted. Default true.
    public var keepsBodies = true
    /// Whether content codings (gzip, deflate, br) are undone: decoded bodies when they are kept, and
    /// decoded lengths (`HTTPMessageBody.decodedLength`) either way. Turn it off when nothing reads
    /// either (`hark connections`) to save the decompression. Default true.
    public var decodesContent = true
    /// How kept bodies are stored: the memory threshold per body, and the pool's shared memory
    /// allowance, spill directory and disk budget. Default: 256 KiB per body in memory, 16 MiB more
    /// shared, then files in `$TMPDIR` within 4 GiB shared by all bodies.
    public var bodyStorage = BodyStorageLimits()

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
    /// - Returns: counts of what was read.
    public func run<Observer: SessionObserver>(observer: inout Observer) -> SessionStatistics {
        var statistics = SessionStatistics()
        var decoder = PacketDecoder()
        var reassembler = TCPReassembler(limits: configuration.reassembly)
        var dispatcher = StreamDispatcher(
            observer: observer,
            captureName: reader.name,
            bodies: BodyHandling(
                keepsBodies: configuration.keepsBodies,
                decodesContent: configuration.decodesContent,
                storage: configuration.bodyStorage
            )
        )
        defer { observer = dispatcher.observer }

        while let record = reader.next() {
            if reader.hasDiagnostics {
                for diagnostic in reader.takeDiagnostics() {
                    dispatcher.report(diagnostic)
                }
            }
            guard case .frame(let frame) = record else { continue }
            statistics.frames += 1
            if statistics.frames & 0xfff == 0 {
                dispatcher.observer.progress(bytesRead: reader.bytesRead)
            }
            statistics.capturedBytes += Int64(frame.data.readableBytes)
            if frame.isTruncated { statistics.truncatedFrames += 1 }

            switch decoder.decode(frame.data, linkType: frame.linkType, timestamp: frame.timestamp) {
            case .tcp(let segment):
                statistics.tcpSegments += 1
                reassembler.process(segment, at: frame.timestamp, packetNumber: frame.number, handler: &dispatcher)
            case .other(let traffic):
                statistics.otherTraffic[traffic.description, default: 0] += 1
            case .fragmentHeld:
                statistics.heldFragments += 1
            case .malformed(let error) where error.isInReassembledDatagram:
                statistics.malformedFrames += 1
                dispatcher.report(Diagnostic(.error, error.description, file: reader.name, packetNumber: frame.number))
            case .malformed(let error):
                statistics.malformedFrames += 1
                dispatcher.report(
                    Diagnostic(.error, error.description, file: reader.name, packetNumber: frame.number, byteOffset: frame.fileOffset)
                )
            }
            if decoder.hasDroppedDatagrams {
                for dropped in decoder.takeDroppedDatagrams() {
                    dispatcher.report(Diagnostic(.warning, dropped.description, file: reader.name, packetNumber: frame.number))
                }
            }
        }
        for dropped in decoder.finish() {
            dispatcher.report(Diagnostic(.warning, dropped.description, file: reader.name))
        }
        for diagnostic in reader.takeDiagnostics() {
            dispatcher.report(diagnostic)
        }
        reassembler.finish(handler: &dispatcher)
        statistics.connections = dispatcher.connectionCount
        statistics.exchanges = dispatcher.exchangeCount
        statistics.diagnostics = dispatcher.diagnosticCount
        return statistics
    }
}
