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

/// Frames read from a capture in one go, with the diagnostics found meanwhile, handed from the reading
/// side of a session to the analysing side.
///
/// Payloads are slices of the reader's chunks: a batch keeps at most `PacketSource.batchBytes` (plus one
/// frame) of them alive.
struct PacketBatch {
    /// The frames, in capture order.
    private(set) var frames: [DecodedFrame] = []
    /// Problems found while reading records or reassembling IP fragments, each to be reported just
    /// before the frame at `position` (after the last frame when `position` is `frames.count`).
    private(set) var diagnostics: [(position: Int, diagnostic: Diagnostic)] = []
    /// Bytes the reader had read when the batch was sealed, for progress reports.
    var bytesRead: Int64 = 0

    /// Appends a frame.
    mutating func append(_ frame: DecodedFrame) {
        frames.append(frame)
    }

    /// Appends a diagnostic, to be reported after the frames appended so far.
    mutating func append(_ diagnostic: Diagnostic) {
        diagnostics.append((position: frames.count, diagnostic: diagnostic))
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
        diagnostics.removeAll(keepingCapacity: true)
        bytesRead = 0
    }
}
