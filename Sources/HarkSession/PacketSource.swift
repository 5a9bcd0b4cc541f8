import HarkCapture
import HarkCore
import HarkPacket
import NIOCore

/// Reads capture records and decodes their frames into `PacketBatch`es: the first half of a session,
/// which can run on a thread of its own (see `ReadAhead`).
///
/// Items come in the order a single loop would report them: the reader's diagnostics before the frame
/// they were found with, decryption secrets where the capture holds them, datagrams dropped by IP reassembly after the frame that dropped them, and at
/// the end of the input the datagrams still incomplete, then the reader's last diagnostics.
struct PacketSource {
    /// Frames per batch when reading ahead: enough to make handing a batch over rare.
    static let batchFrames = 512
    /// Captured bytes per batch when reading ahead (1 MiB), which bounds how much of the reader's
    /// chunks the batches in flight keep alive.
    static let batchBytes = 1 << 20

    private let reader: CaptureReader
    private var decoder = PacketDecoder()
    /// Whether the input has ended and its last items were delivered.
    private(set) var isFinished = false

    init(reader: CaptureReader) {
        self.reader = reader
    }

    /// Appends items to `batch` until it holds `maximumFrames` frames or `maximumBytes` captured
    /// bytes, or the input ends (then `isFinished` is set). Blocks while the input has no complete
    /// record.
    mutating func fill(_ batch: inout PacketBatch, maximumFrames: Int, maximumBytes: Int) {
        guard !isFinished else { return }
        let reader = self.reader
        let name = reader.name
        let more = reader.read(maximumFrames: maximumFrames, maximumBytes: maximumBytes) { record in
            guard case .frame(let frame) = record else {
                if case .decryptionSecrets(let secrets) = record { batch.append(secrets) }
                return
            }
            batch.append(
                DecodedFrame(
                    number: frame.number,
                    timestamp: frame.timestamp,
                    capturedBytes: frame.data.readableBytes,
                    isTruncated: frame.isTruncated,
                    fileOffset: frame.fileOffset,
                    packet: decoder.decode(frame.data, linkType: frame.linkType, timestamp: frame.timestamp)
                )
            )
            if decoder.hasDroppedDatagrams {
                for dropped in decoder.takeDroppedDatagrams() {
                    batch.append(Diagnostic(.warning, dropped.description, file: name, packetNumber: frame.number))
                }
            }
        } diagnostic: { diagnostic in
            batch.append(diagnostic)
        }
        if !more { finish(&batch) }
        batch.bytesRead = reader.bytesRead
    }

    /// Appends what the end of the input leaves: datagrams never completed, the reader's last words.
    private mutating func finish(_ batch: inout PacketBatch) {
        for dropped in decoder.finish() {
            batch.append(Diagnostic(.warning, dropped.description, file: reader.name))
        }
        for diagnostic in reader.takeDiagnostics() {
            batch.append(diagnostic)
        }
        isFinished = true
    }
}
