import HarkCapture
import HarkCore
import HarkPacket
import NIOCore

/// Something a batch carries besides frames, to be taken in order with them.
enum BatchNote {
    /// A problem found while reading records.
    case diagnostic(Diagnostic)
    /// Secrets the capture carries (a pcapng Decryption Secrets Block), for the frames after them.
    case secrets(DecryptionSecrets)
}

/// A frame and what the reading side decoded of it.
struct DecodedFrame {
    var frame: CapturedFrame
    var packet: DecodedPacket
    /// IP datagrams whose fragments were given up on while this frame was decoded.
    var droppedDatagrams: [DroppedDatagram]
}

/// Frames read from a capture in one go and decoded, with the diagnostics found meanwhile, handed
/// from the reading side of a session to the analysing side.
///
/// Frames and their packets are slices of the reader's chunks: a batch keeps at most
/// `PacketSource.batchBytes` (plus one frame) of them alive.
struct PacketBatch {
    /// What a frame moved out of a batch leaves behind: it holds no bytes.
    private static let placeholder = DecodedFrame(
        frame: CapturedFrame(
            number: 0,
            timestamp: Timestamp(nanoseconds: 0),
            linkType: .ethernet,
            interfaceIndex: 0,
            originalLength: 0,
            data: ByteBuffer(),
            fileOffset: 0
        ),
        packet: .fragmentHeld,
        droppedDatagrams: []
    )

    /// The frames, in capture order.
    private(set) var frames: [DecodedFrame] = []
    /// Diagnostics and secrets, each to be taken just before the frame at `position` (after the last
    /// frame when `position` is `frames.count`).
    private(set) var notes: [(position: Int, note: BatchNote)] = []
    /// Set on the batch the input ended with: the reader's last diagnostics (a record cut short, say),
    /// to be reported after everything else.
    var closingDiagnostics: [Diagnostic]?
    /// Set with `closingDiagnostics`: the IP datagrams still missing fragments when the input ended,
    /// reported just before them.
    var closingDroppedDatagrams: [DroppedDatagram] = []
    /// Bytes the reader had read when the batch was sealed, for progress reports.
    var bytesRead: Int64 = 0
    /// A live input's wall-clock time when the batch was sealed, to age idle connections by even
    /// when no packet comes; nil for a file.
    var clock: Timestamp?
    /// Set when the input (a pipe, a followed file) returned early because it was quiet: how long ago
    /// its bytes last came, to let the capture's clock run on past the latest packet.
    var idleTime: TimeSpan?

    /// Appends a decoded frame.
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
        var frame = Self.placeholder
        swap(&frame, &frames[index])
        return frame
    }

    /// Empties the batch for reuse, keeping its storage.
    mutating func clear() {
        frames.removeAll(keepingCapacity: true)
        notes.removeAll(keepingCapacity: true)
        closingDiagnostics = nil
        closingDroppedDatagrams = []
        bytesRead = 0
        clock = nil
        idleTime = nil
    }
}
