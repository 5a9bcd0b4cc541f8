public import HarkCore
public import NIOCore

/// What a `TLSAnalyzer` reports, in the order it learns it.
public enum TLSEvent: Sendable {
    /// The handshake is over: both Finished messages were decrypted, or (without keys) the first
    /// application data record flowed. Emitted once; `TLSSessionInfo.decryption` says which.
    case handshakeCompleted(TLSSessionInfo)
    /// Decrypted application data, in order, stamped with the capture time of the segment that completed
    /// its record. The buffer is the analyzer's scratch storage: copy what you keep.
    case plaintext(Direction, ByteBuffer, Timestamp)
    /// Application data that could not be recovered (lost in capture, not decryptable, or after a
    /// failure): the best estimate of its plaintext length.
    case plaintextGap(Direction, Int, Timestamp)
    /// The direction ended: a close_notify alert, or the end of its TCP stream. Emitted once per direction.
    case closed(Direction, Timestamp)
    /// A protocol or decryption anomaly; processing went on.
    case diagnostic(TLSDiagnostic)
}
