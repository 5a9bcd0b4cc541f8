import HarkCapture
import HarkCore
import HarkPacket

/// A frame as the session needs it once decoded.
struct DecodedFrame {
    /// The 1-based packet number.
    var number: Int
    /// The capture time.
    var timestamp: Timestamp
    /// Bytes captured.
    var capturedBytes: Int
    /// Whether the snapshot length cut the frame.
    var isTruncated: Bool
    /// Where the frame's record starts in the file.
    var fileOffset: Int64
    /// What the frame decoded to.
    var packet: DecodedPacket

    /// What a frame moved out of a batch leaves behind: it holds no bytes.
    static let placeholder = DecodedFrame(
        number: 0,
        timestamp: Timestamp(nanoseconds: 0),
        capturedBytes: 0,
        isTruncated: false,
        fileOffset: 0,
        packet: .fragmentHeld
    )
}

/// Something a batch carries besides frames, to be taken in order with them.
enum BatchNote {
    /// A problem found while reading records or reassembling IP fragments.
    case diagnostic(Diagnostic)
    /// Secrets the capture carries (a pcapng Decryption Secrets Block), for the frames after them.
    case secrets(DecryptionSecrets)
}

/// Frames read from a capture in one go, with the diagnostics and secrets found meanwhile, handed from
/// the reading side of a session to the analysing side.
///
/// Payloads are slices of the reader's chunks: a batch keeps at most `PacketSource.batchBytes` (plus one
/// frame) of them alive.
struct PacketBatch {
    /// The frames, in capture order.
    private(set) var frames: [DecodedFrame] = []
    /// Diagnostics and secrets, each to be taken just before the frame at `position` (after the last
    /// frame when `position` is `frames.count`).
    private(set) var notes: [(position: Int, note: BatchNote)] = []
    /// Bytes the reader had read when the batch was sealed, for progress reports.
    var bytesRead: Int64 = 0

    /// Appends a frame.
    mutating func append(_ frame: DecodedFrame) {
        frames.append(frame)
    }

    /// Appends a diagnostic, to be reported after the frames appended so far.
    mutating func append(_ diagnostic: Diagnostic) {
        notes.append((position: frames.count, note: .diagnostic(diagnostic)))
    }

    /// Appends secrets, to be used for the frames appended after them.
    mutating func append(_ secrets: DecryptionSecrets) {
        notes.append((position: frames.count, note: .secrets(secrets)))
    }

    /// Moves frame `index` out, leaving a placeholder: consuming a batch neither copies its frames nor
    /// retains their bytes again.
    mutating func takeFrame(at index: Int) -> DecodedFrame {
        var frame = DecodedFrame.placeholder
        swap(&frame, &frames[index])
        return frame
    }

    /// Empties the batch for reuse, keeping its storage.
    mutating func clear() {
        frames.removeAll(keepingCapacity: true)
        notes.removeAll(keepingCapacity: true)
        bytesRead = 0
    }
}
