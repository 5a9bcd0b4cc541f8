public import HarkCore

/// Where a session's capture records come from: a capture file or pipe (`CaptureReader`), a live
/// capture (`HarkLiveCapture.LiveCapture`), or a wrapper around one of them (a capture filter, a pcapng
/// recorder). This is the one seam every command reads through, whatever the source.
///
/// An input has a single owner at a time: a session may hand it to its reading thread and take it back
/// once that thread has ended.
public protocol CaptureInput: AnyObject {
    /// The input's name in diagnostics: a path, `-`, or an interface such as `lo`.
    var name: String { get }

    /// Bytes read so far (file bytes, or captured bytes of a live source), for progress reports.
    var bytesRead: Int64 { get }

    /// Whether `read` returns with the records that have arrived instead of waiting to fill the batch:
    /// a file (never waits) or a live capture (returns whatever the kernel had). Such an input can be
    /// read ahead on a second thread without holding packets back. A pipe is not: a read waits for
    /// its whole batch.
    var returnsPartialBatches: Bool { get }

    /// The most frames a batch read ahead of the analysis should hold for this input, when it differs
    /// from the session's default: a live capture hands over bigger batches, less often (`LiveCapture`).
    var batchFrames: Int? { get }

    /// Reads records: hands each diagnostic to `diagnostic` as soon as it is found and each record to
    /// `record`, until `maximumFrames` frames or `maximumBytes` captured bytes were handed out, the
    /// input ends, or (when `returnsPartialBatches`) nothing more has arrived. A live input may return
    /// with no record at all now and then (about every half second while idle), so that its clock
    /// (`liveClock`) can age idle connections; a pipe or followed file likewise after a quarter of a
    /// second without a byte (`idleTime`). The closures must not use the input.
    ///
    /// - Returns: false once the input has ended (end of file, or a live capture told to stop).
    func read(
        maximumFrames: Int,
        maximumBytes: Int,
        record: (CaptureRecord) -> Void,
        diagnostic: (Diagnostic) -> Void
    ) -> Bool

    /// The diagnostics found at the end of the input and not yet handed out; they close the run.
    func takeDiagnostics() -> [Diagnostic]

    /// For a live input, the wall-clock time when the last `read` returned, so that connections can be
    /// aged while no packet arrives; nil for a file, whose only clock is its packets'.
    var liveClock: Timestamp? { get }

    /// For a live input, the kernel's packet counts so far (received, dropped); nil for a file.
    var liveCounts: LiveCaptureCounts? { get }

    /// For an input whose only clock is its packets (a pipe, a followed file): set when the last
    /// `read` returned early because no byte had come for a while, to how long ago bytes last came, so
    /// that the capture's clock can run on past its latest packet while the input is quiet. Nil
    /// otherwise, and always for inputs with a `liveClock` or that never wait.
    var idleTime: TimeSpan? { get }
}

extension CaptureInput {
    public var batchFrames: Int? { nil }
    public var liveClock: Timestamp? { nil }
    public var idleTime: TimeSpan? { nil }
    public var liveCounts: LiveCaptureCounts? { nil }
}

/// What the kernel counted for a live capture (libpcap's `pcap_stats`).
public struct LiveCaptureCounts: Hashable, Sendable {
    /// Packets that passed the capture filter, as the kernel counted them.
    public var received: UInt64
    /// Packets the kernel dropped because hark's buffer was full (`ps_drop`).
    public var droppedByKernel: UInt64
    /// Packets the network interface or its driver dropped (`ps_ifdrop`).
    public var droppedByInterface: UInt64

    public init(received: UInt64 = 0, droppedByKernel: UInt64 = 0, droppedByInterface: UInt64 = 0) {
        self.received = received
        self.droppedByKernel = droppedByKernel
        self.droppedByInterface = droppedByInterface
    }

    /// All packets lost before hark could read them.
    public var dropped: UInt64 { droppedByKernel &+ droppedByInterface }
}

/// An input that passes another's records on (a capture filter, a pcapng recorder): it describes
/// itself as its base does.
public protocol CaptureInputWrapper: CaptureInput {
    /// The input whose records are passed on.
    var base: any CaptureInput { get }
}

extension CaptureInputWrapper {
    public var name: String { base.name }
    public var bytesRead: Int64 { base.bytesRead }
    public var returnsPartialBatches: Bool { base.returnsPartialBatches }
    public var batchFrames: Int? { base.batchFrames }
    public var liveClock: Timestamp? { base.liveClock }
    public var liveCounts: LiveCaptureCounts? { base.liveCounts }
    public var idleTime: TimeSpan? { base.idleTime }
}
