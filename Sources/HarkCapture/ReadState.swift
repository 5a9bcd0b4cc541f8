import HarkCore
import NIOCore

/// A reader's mutable state: input chunks, the format's decoder and the diagnostics found.
///
/// The record loop is generic over the decoder type and runs on a local copy of the decoder, taken out
/// of `decoder` once per call (once per batch for `read`): specialised for pcap and pcapng, with no
/// existential to open per record. Decoders hold no capture bytes, so the copy never makes a chunk
/// shared.
struct ReadState {
    var input: ChunkedInput
    var decoder: FormatDecoder
    var log: DiagnosticLog
    var finished = false
    /// Set when the last `read` returned early because the input went quiet: how long ago bytes last
    /// came (see `ChunkedInput.idleTime`).
    private(set) var idleTime: TimeSpan?

    init(input: ChunkedInput, decoder: FormatDecoder, log: DiagnosticLog) {
        self.input = input
        self.decoder = decoder
        self.log = log
    }

    /// Records and their diagnostics until a batch is full or the input goes quiet (`idleTime`); false
    /// at the end of the input (see `CaptureReader.read`).
    mutating func read(
        maximumFrames: Int,
        maximumBytes: Int,
        record handle: (CaptureRecord) -> Void,
        diagnostic report: (Diagnostic) -> Void
    ) -> Bool {
        idleTime = nil
        switch decoder {
        case .pcap(var pcap):
            defer { decoder = .pcap(pcap) }
            return read(with: &pcap, maximumFrames: maximumFrames, maximumBytes: maximumBytes, record: handle, diagnostic: report)
        case .pcapng(var pcapng):
            defer { decoder = .pcapng(pcapng) }
            return read(with: &pcapng, maximumFrames: maximumFrames, maximumBytes: maximumBytes, record: handle, diagnostic: report)
        }
    }

    /// The next record, or nil at the end of the input (waiting through quiet spells).
    mutating func next() -> CaptureRecord? {
        switch decoder {
        case .pcap(var pcap):
            defer { decoder = .pcap(pcap) }
            while !finished { if let record = next(with: &pcap) { return record } }
        case .pcapng(var pcapng):
            defer { decoder = .pcapng(pcapng) }
            while !finished { if let record = next(with: &pcapng) { return record } }
        }
        return nil
    }

    private mutating func read<Decoder: RecordDecoder>(
        with decoder: inout Decoder,
        maximumFrames: Int,
        maximumBytes: Int,
        record handle: (CaptureRecord) -> Void,
        diagnostic report: (Diagnostic) -> Void
    ) -> Bool {
        var frames = 0
        var bytes = 0
        while frames < maximumFrames, bytes < maximumBytes {
            guard let record = next(with: &decoder) else {
                // Quiet for now: what was found so far goes out with the records before it.
                if !finished, !log.entries.isEmpty {
                    for diagnostic in log.take() { report(diagnostic) }
                }
                return !finished
            }
            if !log.entries.isEmpty {
                for diagnostic in log.take() { report(diagnostic) }
            }
            if case .frame(let frame) = record {
                frames &+= 1
                bytes &+= frame.data.readableBytes
            }
            handle(record)
        }
        return true
    }

    /// The next record; nil at the end of the input (`finished`) or when it went quiet (`idleTime`).
    private mutating func next<Decoder: RecordDecoder>(with decoder: inout Decoder) -> CaptureRecord? {
        while !finished {
            let base = input.base
            let atEnd = input.atEnd
            switch decoder.decode(&input.buffer, base: base, atEnd: atEnd, log: &log) {
            case .record(let record):
                return record
            case .needBytes(let count):
                if atEnd {
                    decoder.finish(input.buffer, base: base, log: &log)
                    finished = true
                    return nil
                }
                do {
                    try input.fill(toReadable: count)
                } catch {
                    let offset = input.offset(of: input.buffer.writerIndex)
                    log.report(.error, "read failed: \(error.message); stopped reading", packet: nil, offset: offset)
                    finished = true
                }
                if let quiet = input.idleTime {
                    idleTime = quiet
                    return nil
                }
            }
        }
        return nil
    }
}
