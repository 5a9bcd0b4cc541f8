import HarkCapture
import HarkCore
import HarkPacket

/// Reads capture records from a `CaptureInput` into `PacketBatch`es and decodes their frames: the first
/// half of a session, which can run on a thread of its own (see `ReadAhead`). It owns the packet
/// decoder and the IP fragments it holds, so frames are decoded once, in capture order, on this side;
/// the analysing half reassembles and analyses.
///
/// The reader's diagnostics and the capture's decryption secrets come before the frame they were found
/// with; the diagnostics of the end of the input close the last batch.
struct PacketSource {
    /// Frames per batch when reading ahead, unless the input asks for another number
    /// (`CaptureInput.batchFrames`): enough to make handing a batch over rare.
    static let batchFrames = 512
    /// Captured bytes per batch when reading ahead (1 MiB), which bounds how much of the reader's
    /// chunks the batches in flight keep alive.
    static let batchBytes = 1 << 20

    private let input: any CaptureInput
    private var decoder = PacketDecoder()
    /// Whether the input has ended and its last batch was filled.
    private(set) var isFinished = false

    init(input: any CaptureInput) {
        self.input = input
    }

    /// Frames per batch when reading ahead, for this input.
    var batchFrames: Int { input.batchFrames ?? Self.batchFrames }

    /// Appends frames and diagnostics to `batch` until it holds `maximumFrames` frames or
    /// `maximumBytes` captured bytes, or the input ends (then `isFinished` is set and the batch gets
    /// its closing diagnostics). Blocks while the input has no complete record; a live input may return
    /// an empty batch that only carries its clock, a quiet pipe one that carries its idle time.
    mutating func fill(_ batch: inout PacketBatch, maximumFrames: Int, maximumBytes: Int) {
        guard !isFinished else { return }
        let more = input.read(maximumFrames: maximumFrames, maximumBytes: maximumBytes) { record in
            switch record {
            case .frame(let frame): batch.append(decode(frame))
            case .decryptionSecrets(let secrets): batch.append(secrets)
            }
        } diagnostic: { diagnostic in
            batch.append(diagnostic)
        }
        if !more {
            batch.closingDroppedDatagrams = decoder.finish()
            batch.closingDiagnostics = input.takeDiagnostics()
            isFinished = true
        }
        batch.bytesRead = input.bytesRead
        batch.clock = input.liveClock
        batch.idleTime = input.idleTime
    }

    private mutating func decode(_ frame: CapturedFrame) -> DecodedFrame {
        // NFLOG frames were put on one clock by `NFLOGClock`.
        let packet = decoder.decode(frame.data, linkType: frame.linkType, timestamp: frame.timestamp)
        let dropped = decoder.hasDroppedDatagrams ? decoder.takeDroppedDatagrams() : []
        return DecodedFrame(frame: frame, packet: packet, droppedDatagrams: dropped)
    }
}
